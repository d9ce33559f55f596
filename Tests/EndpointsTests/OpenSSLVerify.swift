import Foundation
import TestSupport

/// Checks an RSA-SHA256 signature with the `openssl` command, an implementation independent of the
/// one that signed (the redirect binding's query signature has no XML for xmlsec to check).
enum OpenSSLVerify {
    static func rsaSHA256(_ message: [UInt8], signature: [UInt8], certificate fixture: String) throws -> Bool {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "samlgate-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = ["cert.pem", "key.pub", "message", "signature"].map { folder.appendingPathComponent($0).path }
        try Data(TestKeys.file(fixture)).write(to: URL(fileURLWithPath: paths[0]))
        try Data(message).write(to: URL(fileURLWithPath: paths[2]))
        try Data(signature).write(to: URL(fileURLWithPath: paths[3]))
        guard try run(["x509", "-in", paths[0], "-pubkey", "-noout", "-out", paths[1]]) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return try run(["dgst", "-sha256", "-verify", paths[1], "-signature", paths[3], paths[2]])
    }

    private static func run(_ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
