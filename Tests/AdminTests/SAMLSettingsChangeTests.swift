import Credentials
import Foundation
import Testing

@testable import Admin
@testable import Store

/// The settings rules shared by `samlgate saml set` and the settings page.
struct SAMLSettingsChangeTests {
    static func certificateFile(_ name: String) throws -> (name: String, bytes: [UInt8]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/certificates/\(name)")
        return (name: name, bytes: [UInt8](try Data(contentsOf: url)))
    }

    @Test func enablingNeedsSSOURLAndCertificate() throws {
        var change = SAMLSettingsChange()
        change.enabled = true
        #expect(throws: SettingsError.ssoURLRequired) { try change.applied(to: SAMLSettings()) }
        change.ssoURL = "https://idp.example/sso"
        #expect(throws: SettingsError.certificateRequired) { try change.applied(to: SAMLSettings()) }
        change.certificateFiles = [try Self.certificateFile("rsa.pem")]
        let settings = try change.applied(to: SAMLSettings())
        #expect(settings.enabled && settings.certificates.count == 1)
    }

    @Test(arguments: [
        "http://idp.example.com/sso", "ftp://idp.example.com", "idp.example.com/sso", "http://127.evil.example/sso",
        "javascript:alert(1)", "https://",
    ])
    func refusesUnsafeSSOURLs(url: String) {
        var change = SAMLSettingsChange()
        change.ssoURL = url
        #expect(throws: SettingsError.self) { try change.applied(to: SAMLSettings()) }
    }

    @Test(arguments: [
        "https://idp.example.com/sso", "http://localhost:8080/sso", "http://127.0.0.1:9000/x", "http://[::1]/x",
    ])
    func acceptsHTTPSAndLoopbackHTTP(url: String) throws {
        var change = SAMLSettingsChange()
        change.ssoURL = url
        #expect(try change.applied(to: SAMLSettings()).ssoURL == url)
    }

    @Test func aBadCertificateFileRefusesTheWholeChange() throws {
        var change = SAMLSettingsChange()
        change.ssoURL = "https://idp.example/sso"
        change.certificateFiles = [try Self.certificateFile("rsa.pem"), try Self.certificateFile("private-key.pem")]
        #expect(throws: SettingsError.certificate(file: "private-key.pem", .unexpectedPEMBlock(label: "PRIVATE KEY"))) {
            try change.applied(to: SAMLSettings())
        }
        let error = SettingsError.certificate(file: "x.pem", .notACertificate)
        #expect(error.description.contains("The certificate must be in PEM or CER format"))
        #expect(error.field == "certificate")
    }

    @Test func certReplacesTheListAndUntouchedFieldsStay() throws {
        var existing = SAMLSettings()
        existing.certificates = try CertificateImporter.certificates(from: Self.certificateFile("two.pem").bytes)
        existing.forceSAML = true
        var change = SAMLSettingsChange()
        change.certificateFiles = [try Self.certificateFile("rsa.cer")]
        let settings = try change.applied(to: existing)
        #expect(settings.certificates.count == 1)
        #expect(settings.forceSAML)
    }

    @Test func rangesForSkewAndLifetime() {
        var change = SAMLSettingsChange()
        change.clockSkew = -1
        #expect(throws: SettingsError.clockSkewOutOfRange(-1)) { try change.applied(to: SAMLSettings()) }
        change.clockSkew = 30
        change.sessionLifetime = 10
        #expect(throws: SettingsError.sessionLifetimeOutOfRange(10)) { try change.applied(to: SAMLSettings()) }
    }

    @Test func emptyEntityIDClearsIt() throws {
        var existing = SAMLSettings()
        existing.idpEntityID = "urn:idp"
        var change = SAMLSettingsChange()
        change.idpEntityID = ""
        #expect(try change.applied(to: existing).idpEntityID == nil)
        change.idpEntityID = "urn:with space"
        #expect(throws: SettingsError.invalidIdPEntityID("urn:with space")) { try change.applied(to: existing) }
    }

    /// The page keeps some stored certificates and uploads more: the list is the kept ones, then the
    /// uploaded ones, each certificate once (rsa.pem is the IdP certificate again).
    @Test func keptCertificatesComeFirstAndDuplicatesAreStoredOnce() throws {
        let attacker = try CertificateImporter.certificates(from: Self.certificateFile("attacker-cert.pem").bytes)
        let idp = try CertificateImporter.certificates(from: Self.certificateFile("idp-rsa-cert.pem").bytes)
        var change = SAMLSettingsChange()
        change.certificates = idp
        change.certificateFiles = [try Self.certificateFile("attacker-cert.pem"), try Self.certificateFile("rsa.pem")]
        #expect(try change.applied(to: SAMLSettings()).certificates.map(\.sha256) == (idp + attacker).map(\.sha256))
        change.certificateFiles = [try Self.certificateFile("garbage.txt")]
        #expect(throws: SettingsError.self) { try change.applied(to: SAMLSettings()) }
    }
}
