import Foundation
import Testing

@testable import Credentials

/// The formats admins upload: what is accepted, what is refused and with which reason.
struct CertificateImporterTests {
    static let rsaFingerprint =
        "A0:1C:76:99:09:BD:8A:18:C0:05:D8:75:2B:E3:D5:F3:2A:00:20:10:19:5F:64:AB:97:F8:3F:21:F3:55:78:72"

    @Test(arguments: ["rsa.pem", "rsa.cer", "rsa.b64"])
    func acceptsOneCertificateInEveryFormat(file: String) throws {
        let certificates = try CertificateImporter.certificates(from: fixture("certificates/\(file)"))
        #expect(certificates.count == 1)
        let certificate = try #require(certificates.first)
        #expect(certificate.sha256 == Self.rsaFingerprint)
        #expect(certificate.subject.contains("CN=idp-rsa.test"))
        #expect(certificate.notAfter == Date(timeIntervalSince1970: 2_366_841_600))  // 2045-01-01T00:00:00Z
        #expect(certificate.der == (try fixture("certificates/rsa.cer")))
    }

    @Test func acceptsPEMWithTwoCertificatesInOrder() throws {
        let certificates = try CertificateImporter.certificates(from: fixture("certificates/two.pem"))
        #expect(certificates.map(\.subject).map { $0.contains("CN=idp-rsa.test") } == [true, false])
        #expect(certificates.count == 2)
        #expect(certificates[1].subject.contains("CN=idp-ec.test"))
    }

    @Test func acceptsExpiredCertificateAndReportsIt() throws {
        let certificate = try #require(
            try CertificateImporter.certificates(from: fixture("certificates/expired.pem")).first)
        #expect(certificate.isExpired(at: Date()))
        #expect(!certificate.expiresSoon(at: Date()))
        #expect(certificate.notAfter == Date(timeIntervalSince1970: 1_609_502_400))  // 2021-01-01T12:00:00Z
    }

    @Test func expiresSoonWithinThirtyDays() throws {
        let certificate = try #require(
            try CertificateImporter.certificates(from: fixture("certificates/rsa.pem")).first)
        #expect(certificate.expiresSoon(at: certificate.notAfter.addingTimeInterval(-29 * 86_400)))
        #expect(!certificate.expiresSoon(at: certificate.notAfter.addingTimeInterval(-31 * 86_400)))
    }

    @Test(arguments: [
        ("private-key.pem", CertificateImportError.unexpectedPEMBlock(label: "PRIVATE KEY")),
        ("request.csr", .unexpectedPEMBlock(label: "CERTIFICATE REQUEST")),
        ("cert-and-key.pem", .unexpectedPEMBlock(label: "PRIVATE KEY")),
        ("request-der.csr", .notACertificate),
        ("garbage.txt", .unrecognisedFormat),
        ("empty.pem", .empty),
    ])
    func refusesWhatIsNotACertificate(file: String, expected: CertificateImportError) throws {
        #expect(throws: expected) {
            try CertificateImporter.certificates(from: fixture("certificates/\(file)"))
        }
        #expect(expected.description.hasPrefix("The certificate must be in PEM or CER format"))
    }

    @Test func refusesDERWithTrailingBytes() throws {
        let der = try fixture("certificates/rsa.cer") + [0x00]
        #expect(throws: CertificateImportError.notACertificate) { try CertificateImporter.certificates(from: der) }
    }

    @Test func refusesUnterminatedPEMBlock() throws {
        let pem = String(decoding: try fixture("certificates/rsa.pem"), as: UTF8.self)
        let truncated = pem.replacingOccurrences(of: "-----END CERTIFICATE-----", with: "")
        #expect(throws: CertificateImportError.unterminatedPEMBlock(label: "CERTIFICATE")) {
            try CertificateImporter.certificates(from: Array(truncated.utf8))
        }
    }

    @Test func refusesPEMWithCorruptBase64() throws {
        var pem = String(decoding: try fixture("certificates/rsa.pem"), as: UTF8.self)
        pem = pem.replacingOccurrences(of: "MII", with: "M*I")
        #expect(throws: CertificateImportError.invalidPEMBase64(label: "CERTIFICATE")) {
            try CertificateImporter.certificates(from: Array(pem.utf8))
        }
    }

    @Test func refusesBinaryThatIsNotDER() {
        #expect(throws: CertificateImportError.unrecognisedFormat) {
            try CertificateImporter.certificates(from: [0xFF, 0xD8, 0xFF, 0xE0, 0x00])
        }
    }
}
