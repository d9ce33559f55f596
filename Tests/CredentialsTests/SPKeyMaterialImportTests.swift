import Testing

@testable import Credentials

/// Importing an existing SP key and certificate: what is accepted, and the reason for every refusal.
struct SPKeyMaterialImportTests {
    func importing(key keyFile: String, certificate certificateFile: String) throws -> SPKeyMaterial {
        try SPKeyMaterial.importing(
            keyPEM: fixture("certificates/\(keyFile)"), certificatePEM: fixture("certificates/\(certificateFile)"))
    }

    @Test func importsPKCS8AndPKCS1AlikeAndKeepsPKCS8() throws {
        let pkcs8 = try importing(key: "idp-rsa-key.pem", certificate: "idp-rsa-cert.pem")
        let pkcs1 = try importing(key: "idp-rsa-key-pkcs1.pem", certificate: "idp-rsa-cert.pem")
        #expect(pkcs1.privateKeyDER == pkcs8.privateKeyDER)
        #expect(pkcs8.certificate.subject.contains("CN=idp-rsa.test"))
        #expect(String(decoding: pkcs1.privateKeyPEM(), as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
    }

    @Test func acceptsTheCertificateAsDERAndAKeyFileThatAlsoHoldsTheCertificate() throws {
        let material = try importing(key: "cert-and-key.pem", certificate: "rsa.cer")
        #expect(material.certificateDER == (try fixture("certificates/rsa.cer")))
    }

    @Test func refusesAKeyThatDoesNotMatchTheCertificate() throws {
        let error = #expect(throws: SPKeyError.self) {
            try importing(key: "idp-rsa-key.pem", certificate: "attacker-cert.pem")
        }
        #expect(error == .keyDoesNotMatchCertificate(subject: "CN=attacker.test"))
        #expect(error?.description.contains("does not match the certificate CN=attacker.test") == true)
    }

    @Test func refusesAnECKey() throws {
        let error = #expect(throws: SPKeyError.self) {
            try importing(key: "idp-ec-key.pem", certificate: "idp-ec-cert.pem")
        }
        #expect(error == .notRSA(algorithm: "EC"))
        #expect(error?.description == "the private key is an EC key; SP keys must be RSA")
    }

    @Test(arguments: ["sp-encrypted-key.pem", "sp-encrypted-pkcs1-key.pem"])
    func refusesAnEncryptedKey(file: String) throws {
        let error = #expect(throws: SPKeyError.self) { try importing(key: file, certificate: "idp-rsa-cert.pem") }
        #expect(error == .encryptedPrivateKey)
        #expect(error?.description.contains("encrypted with a passphrase") == true)
    }

    @Test func refusesAKeyUnder2048Bits() throws {
        let error = #expect(throws: SPKeyError.self) {
            try importing(key: "sp-rsa1024-key.pem", certificate: "sp-rsa1024-cert.pem")
        }
        #expect(error == .keyTooSmall(bits: 1024))
        #expect(error?.description == "the RSA key has 1024 bits; SP keys need at least 2048")
    }

    /// A key over 8192 bits would make every signature and decryption a denial of service of its own.
    @Test func refusesAKeyOver8192Bits() throws {
        let error = #expect(throws: SPKeyError.self) {
            try importing(key: "sp-rsa8256-key.pem", certificate: "sp-rsa8256-cert.pem")
        }
        #expect(error == .keyTooLarge(bits: 8256))
        #expect(error?.description == "the RSA key has 8256 bits; SP keys have at most 8192")
    }

    static let refusedKeyFiles: [(String, [UInt8], SPKeyError)] = [
        ("empty", [], .noPrivateKey(labels: [])),
        ("not UTF-8", [0xFF, 0xFE, 0x00], .keyNotPEM),
        (
            "a certificate", Array("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n".utf8),
            .noPrivateKey(labels: ["CERTIFICATE"])
        ),
        (
            "a traditional EC key", Array("-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n".utf8),
            .notRSA(algorithm: "EC")
        ),
        (
            "an OpenSSH key",
            Array("-----BEGIN OPENSSH PRIVATE KEY-----\nMAA=\n-----END OPENSSH PRIVATE KEY-----\n".utf8),
            .unsupportedKeyFormat(label: "OPENSSH PRIVATE KEY")
        ),
        (
            "an unterminated key", Array("-----BEGIN PRIVATE KEY-----\nMAA=\n".utf8),
            .unterminatedPEMBlock(label: "PRIVATE KEY")
        ),
    ]

    @Test(arguments: refusedKeyFiles)
    func refusesWhatIsNotOneUsableKey(label: String, keyFile: [UInt8], expected: SPKeyError) throws {
        #expect(throws: expected, "\(label)") {
            try SPKeyMaterial.importing(keyPEM: keyFile, certificatePEM: fixture("certificates/idp-rsa-cert.pem"))
        }
    }

    @Test func refusesTwoKeysInOneFile() throws {
        let keys = try fixture("certificates/idp-rsa-key.pem") + fixture("certificates/attacker-key.pem")
        #expect(throws: SPKeyError.severalPrivateKeys(count: 2)) {
            try SPKeyMaterial.importing(keyPEM: keys, certificatePEM: fixture("certificates/idp-rsa-cert.pem"))
        }
    }

    @Test func aKeyBlockOpenSSLCannotReadGivesItsReason() throws {
        let garbage = Array("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n".utf8)
        let error = #expect(throws: SPKeyError.self) {
            try SPKeyMaterial.importing(keyPEM: garbage, certificatePEM: fixture("certificates/idp-rsa-cert.pem"))
        }
        guard case .unreadablePrivateKey(let reason) = error else {
            Issue.record("expected unreadablePrivateKey, got \(String(describing: error))")
            return
        }
        #expect(!reason.isEmpty)
    }

    @Test func refusesACertificateFileWithSeveralCertificatesOrNone() throws {
        #expect(throws: SPKeyError.severalCertificates(count: 2)) {
            try importing(key: "idp-rsa-key.pem", certificate: "two.pem")
        }
        let error = #expect(throws: SPKeyError.self) {
            try importing(key: "idp-rsa-key.pem", certificate: "garbage.txt")
        }
        #expect(error == .certificate(.unrecognisedFormat))
        #expect(error?.description.hasPrefix(CertificateImportError.headline) == true)
        #expect(throws: SPKeyError.certificate(.unexpectedPEMBlock(label: "PRIVATE KEY"))) {
            try importing(key: "idp-rsa-key.pem", certificate: "idp-rsa-key.pem")
        }
    }
}
