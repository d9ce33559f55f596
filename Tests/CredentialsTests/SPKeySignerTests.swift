import Credentials
import Foundation
import Testing

/// RSA-SHA256 signatures with an SP key, checked by an independent verifier (the openssl tool).
struct SPKeySignerTests {
    static let openSSLTool = "/usr/bin/openssl"
    static let material = Result { try SPKeyMaterial.generate(bits: 2048, days: 30, commonName: "sp.test") }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openSSLTool)))
    func opensslVerifiesTheSignatureAndRefusesAnotherMessage() throws {
        let material = try Self.material.get()
        let message = Array("SAMLRequest=abc%2B&RelayState=x&SigAlg=rsa-sha256".utf8)
        let signature = try SPKeySigner(material).signSHA256(message)
        #expect(signature.count == 256)
        try withTemporaryDirectory { folder in
            let certificate = folder + "/cert.pem", publicKey = folder + "/pub.pem"
            let signatureFile = folder + "/sig.bin", messageFile = folder + "/msg.bin"
            let otherFile = folder + "/other.bin"
            try Data(material.certificatePEM().utf8).write(to: URL(fileURLWithPath: certificate))
            try Data(signature).write(to: URL(fileURLWithPath: signatureFile))
            try Data(message).write(to: URL(fileURLWithPath: messageFile))
            try Data(message.dropLast()).write(to: URL(fileURLWithPath: otherFile))
            #expect(try Self.openSSL(["x509", "-in", certificate, "-pubkey", "-noout", "-out", publicKey]) == 0)
            let verify = ["dgst", "-sha256", "-verify", publicKey, "-signature", signatureFile]
            #expect(try Self.openSSL(verify + [messageFile]) == 0)
            #expect(try Self.openSSL(verify + [otherFile]) != 0)
        }
    }

    /// PKCS#1 v1.5 is deterministic: one signer, shared, gives the same bytes from any thread.
    @Test func oneSignerServesConcurrentCallers() async throws {
        let signer = try SPKeySigner(Self.material.get())
        let message = Array("octets".utf8)
        let expected = try signer.signSHA256(message)
        try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 { group.addTask { try signer.signSHA256(message) } }
            for try await signature in group { #expect(signature == expected) }
        }
    }

    private static func openSSL(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openSSLTool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
