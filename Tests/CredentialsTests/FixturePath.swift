import Foundation

/// Reads a file from `Tests/Fixtures`, found relative to this source file so a clean clone needs no resources step.
func fixture(_ relativePath: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
    return [UInt8](try Data(contentsOf: url))
}
