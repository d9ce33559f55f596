import Foundation
import Testing

@testable import Credentials

/// Generating SP key pairs, reading stored ones back, and their PEM forms.
struct SPKeyMaterialTests {
    static let openSSLTool = "/usr/bin/openssl"

    @Test func generatesA2048BitKeyWithACertificateForTheName() throws {
        let before = Date()
        let material = try SPKeyMaterial.generate(bits: 2048, days: 3650, commonName: "acme.example.com")
        let certificate = try Certificate(der: material.certificateDER)
        #expect(certificate == material.certificate)
        #expect(certificate.subject == "CN=acme.example.com")
        let expectedEnd = before.addingTimeInterval(3650 * 86_400)
        #expect(abs(certificate.notAfter.timeIntervalSince(expectedEnd)) < 120)
        #expect(material.privateKeyDER.count > 1000)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openSSLTool)))
    func theCertificateIsAnEndEntityV3CertificateSignedWithSHA256() throws {
        let material = try SPKeyMaterial.generate(bits: 2048, days: 30, commonName: "sp.test")
        let text = try openSSL(["x509", "-inform", "DER", "-noout", "-text"], input: material.certificateDER)
        #expect(text.contains("Version: 3 (0x2)"))
        #expect(text.contains("Signature Algorithm: sha256WithRSAEncryption"))
        #expect(text.contains("Public-Key: (2048 bit)"))
        #expect(text.contains("Issuer: CN = sp.test"))
        #expect(text.contains("Subject: CN = sp.test"))
        #expect(text.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"))
        #expect(text.contains("X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment"))
        let dates = try openSSL(
            ["x509", "-inform", "DER", "-noout", "-startdate", "-dateopt", "iso_8601"], input: material.certificateDER)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "'notBefore='yyyy-MM-dd HH:mm:ss'Z'"
        let notBefore = try #require(formatter.date(from: dates.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(abs(notBefore.timeIntervalSinceNow + 300) < 60)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openSSLTool)))
    func serialsAreRandomPositiveAndAtMostTwentyOctets() throws {
        let first = try SPKeyMaterial.generate(bits: 2048, days: 1, commonName: "sp.test")
        let second = try SPKeyMaterial.generate(bits: 2048, days: 1, commonName: "sp.test")
        let serials = try [first, second].map {
            try openSSL(["x509", "-inform", "DER", "-noout", "-serial"], input: $0.certificateDER)
        }
        #expect(serials[0] != serials[1])
        for serial in serials {
            let hex = serial.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("serial=".count)
            #expect((20...32).contains(hex.count))
        }
    }

    @Test(arguments: [1024, 0, -1, 2047, 2049, 8192])
    func refusesKeySizesOtherThanTheThree(bits: Int) {
        let error = #expect(throws: SPKeyError.self) {
            try SPKeyMaterial.generate(bits: bits, days: 365, commonName: "sp.test")
        }
        #expect(error == .unsupportedKeySize(bits: bits))
        #expect(error?.description == "SP keys are RSA keys of 2048, 3072 or 4096 bits; \(bits) is not one of them")
    }

    @Test(arguments: [0, -5, 36_501])
    func refusesAValidityOutOfRange(days: Int) {
        #expect(throws: SPKeyError.unsupportedValidity(days: days)) {
            try SPKeyMaterial.generate(bits: 2048, days: days, commonName: "sp.test")
        }
    }

    @Test(arguments: ["", String(repeating: "a", count: 65), "sp\ntest", "sp\u{0}test"])
    func refusesABadCommonName(name: String) {
        let error = #expect(throws: SPKeyError.self) {
            try SPKeyMaterial.generate(bits: 2048, days: 365, commonName: name)
        }
        #expect(error == .invalidCommonName(name))
        #expect(error?.description.contains("1 to 64 characters") == true)
    }

    @Test func aNonASCIICommonNameIsKeptAsUTF8() throws {
        let material = try SPKeyMaterial.generate(bits: 2048, days: 365, commonName: "Zürich SP")
        // The name is stored as a UTF8String; X509Parser shows subjects in RFC 2253 form, which escapes
        // each byte above 0x7F.
        #expect(material.certificate.subject == "CN=Z\\C3\\BCrich SP")
    }

    @Test func pemFormsAreSixtyFourColumnBlocksThatImportBackToTheSameBytes() throws {
        let material = try SPKeyMaterial.generate(bits: 2048, days: 365, commonName: "sp.test")
        let certificatePEM = material.certificatePEM()
        let keyPEM = String(decoding: material.privateKeyPEM(), as: UTF8.self)
        #expect(certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(certificatePEM.hasSuffix("\n-----END CERTIFICATE-----\n"))
        #expect(keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(keyPEM.hasSuffix("\n-----END PRIVATE KEY-----\n"))
        for pem in [certificatePEM, keyPEM] {
            let body = pem.split(separator: "\n").dropFirst().dropLast()
            #expect(body.dropLast().allSatisfy { $0.count == 64 })
            #expect((1...64).contains(body.last?.count ?? 0))
        }
        #expect(try CertificateImporter.certificates(from: Array(certificatePEM.utf8)) == [material.certificate])
        let imported = try SPKeyMaterial.importing(
            keyPEM: material.privateKeyPEM(), certificatePEM: Array(certificatePEM.utf8))
        #expect(imported.privateKeyDER == material.privateKeyDER)
        #expect(imported.certificateDER == material.certificateDER)
    }

    @Test func aStoredPairReadsBack() throws {
        let material = try SPKeyMaterial.generate(bits: 2048, days: 365, commonName: "sp.test")
        let stored = try SPKeyMaterial(privateKeyDER: material.privateKeyDER, certificateDER: material.certificateDER)
        #expect(stored.privateKeyDER == material.privateKeyDER)
        #expect(stored.certificate == material.certificate)
    }

    @Test func aStoredPairIsCheckedAgain() throws {
        let first = try SPKeyMaterial.generate(bits: 2048, days: 365, commonName: "first.test")
        let second = try SPKeyMaterial.generate(bits: 2048, days: 365, commonName: "second.test")
        #expect(throws: SPKeyError.keyDoesNotMatchCertificate(subject: "CN=second.test")) {
            try SPKeyMaterial(privateKeyDER: first.privateKeyDER, certificateDER: second.certificateDER)
        }
        let truncated = #expect(throws: SPKeyError.self) {
            try SPKeyMaterial(
                privateKeyDER: Array(first.privateKeyDER.dropLast()), certificateDER: first.certificateDER)
        }
        guard case .unreadablePrivateKey = truncated else {
            Issue.record("expected unreadablePrivateKey, got \(String(describing: truncated))")
            return
        }
        #expect(throws: SPKeyError.self) {
            try SPKeyMaterial(privateKeyDER: first.privateKeyDER + [0], certificateDER: first.certificateDER)
        }
        #expect(throws: SPKeyError.certificate(.notACertificate)) {
            try SPKeyMaterial(privateKeyDER: first.privateKeyDER, certificateDER: [0x30, 0x00])
        }
    }

    @Test func printingAPairNeverShowsThePrivateKey() throws {
        let material = try SPKeyMaterial.generate(bits: 2048, days: 365, commonName: "sp.test")
        let keyBody = String(decoding: material.privateKeyPEM(), as: UTF8.self).split(separator: "\n")[1]
        var dumped = ""
        dump(material, to: &dumped)
        for shown in [String(describing: material), dumped] {
            #expect(!shown.contains(keyBody))
            #expect(!shown.contains(String(describing: material.privateKeyDER.prefix(8))))
            #expect(shown.contains("CN=sp.test"))
        }
    }

    /// Runs the `openssl` command-line tool with `input` on standard input and returns what it printed.
    private func openSSL(_ arguments: [String], input: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.openSSLTool)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: output, as: UTF8.self)
    }
}
