import Foundation

/// Signs and verifies raw octets with the `openssl` command, an implementation independent of
/// samlgate's (the redirect binding's query signature has no XML for xmlsec to check against).
public enum OpenSSLCommand {
    /// Whether `signature` is `certificate`'s signature over `message` with `digest` (`sha256`, `sha1`, …).
    public static func verify(
        _ message: [UInt8], signature: [UInt8], certificate fixture: String, digest: String = "sha256"
    ) throws -> Bool {
        try inFolder { folder in
            let paths = ["cert.pem", "key.pub", "message", "signature"].map { folder.appendingPathComponent($0).path }
            try Data(TestKeys.file(fixture)).write(to: URL(fileURLWithPath: paths[0]))
            try Data(message).write(to: URL(fileURLWithPath: paths[2]))
            try Data(signature).write(to: URL(fileURLWithPath: paths[3]))
            guard try run(["x509", "-in", paths[0], "-pubkey", "-noout", "-out", paths[1]]) != nil else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return try run(["dgst", "-\(digest)", "-verify", paths[1], "-signature", paths[3], paths[2]]) != nil
        }
    }

    /// The signature over `message` with the private key fixture `key` (RSA PKCS#1 v1.5 or ECDSA in
    /// DER, as `openssl dgst -sign` makes them) and `digest`.
    public static func sign(_ message: [UInt8], key fixture: String, digest: String = "sha256") throws -> [UInt8] {
        try inFolder { folder in
            let paths = ["key.pem", "message", "signature"].map { folder.appendingPathComponent($0).path }
            try Data(TestKeys.file(fixture)).write(to: URL(fileURLWithPath: paths[0]))
            try Data(message).write(to: URL(fileURLWithPath: paths[1]))
            guard try run(["dgst", "-\(digest)", "-sign", paths[0], "-out", paths[2], paths[1]]) != nil,
                let signature = FileManager.default.contents(atPath: paths[2])
            else { throw CocoaError(.fileWriteUnknown) }
            return [UInt8](signature)
        }
    }

    private static func inFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "samlgate-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// Runs `openssl` with `arguments`; nil when it exits non-zero.
    private static func run(_ arguments: [String]) throws -> Void? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? () : nil
    }
}
