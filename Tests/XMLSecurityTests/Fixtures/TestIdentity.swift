import Foundation
@_spi(Testing) import XMLSecurity

/// A key pair plus self-signed certificate generated with the `openssl` CLI for one test run.
struct TestIdentity: Sendable {
    let privateKeyPEM: [UInt8]
    let certificatePEM: [UInt8]
    let certificateDER: [UInt8]
    /// `openssl x509 -fingerprint -sha256` output, lowercased: an independent check of our fingerprint.
    let opensslFingerprint: String

    /// The certificate body as it appears in `ds:X509Certificate` (base64 of the DER).
    var certificateBase64: String { Data(certificateDER).base64EncodedString() }

    func signingKey() throws -> SigningKey {
        try SigningKey(privateKeyPEM: privateKeyPEM, certificatePEM: certificatePEM)
    }

    func trustedKeys() throws -> TrustedKeys {
        try TrustedKeys(certificatesDER: [certificateDER])
    }

    /// Generates a key with `openssl req -x509 -newkey <keySpec>` into a fresh temporary directory.
    static func generate(name: String, newKey: [String]) -> TestIdentity {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("xmlsecurity-tests-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot create \(directory.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let cert = directory.appendingPathComponent("cert.pem").path
        let der = directory.appendingPathComponent("cert.der").path
        openssl(
            ["req", "-x509"] + newKey + [
                "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=\(name)",
            ])
        openssl(["x509", "-in", cert, "-outform", "DER", "-out", der])
        let fingerprintLine = openssl(["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
        let fingerprint =
            fingerprintLine.split(separator: "=").last.map(String.init)?
            .trimmingCharacters(in: .whitespacesAndNewlines).uppercased() ?? ""
        return TestIdentity(
            privateKeyPEM: read(key), certificatePEM: read(cert), certificateDER: read(der),
            opensslFingerprint: fingerprint)
    }

    private static func read(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { fatalError("openssl did not write \(path)") }
        return Array(data)
    }

    @discardableResult
    private static func openssl(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            fatalError("cannot run openssl: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " ")) failed")
        return String(decoding: data, as: UTF8.self)
    }
}

/// Tests cannot run without the library; a failed initialization stops the run with its reason.
func initializeOrDie() {
    do {
        try XMLSecurity.initialize()
    } catch {
        fatalError("XMLSecurity.initialize() failed: \(error)")
    }
}

/// Identities shared by all tests (generated once per run; Swift initializes these lazily and safely).
enum Identities {
    /// The IdP's RSA-2048 signing key: the trusted one.
    static let idpRSA: TestIdentity = {
        initializeOrDie()
        return TestIdentity.generate(name: "test-idp-rsa", newKey: ["-newkey", "rsa:2048"])
    }()
    /// Another RSA-2048 key: an attacker's, or the IdP's next key during rollover.
    static let otherRSA: TestIdentity = {
        initializeOrDie()
        return TestIdentity.generate(name: "attacker-rsa", newKey: ["-newkey", "rsa:2048"])
    }()
    /// The IdP's P-256 signing key.
    static let idpP256: TestIdentity = {
        initializeOrDie()
        return TestIdentity.generate(
            name: "test-idp-p256", newKey: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
    }()
    /// A P-384 key.
    static let idpP384: TestIdentity = {
        initializeOrDie()
        return TestIdentity.generate(
            name: "test-idp-p384", newKey: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"])
    }()
}
