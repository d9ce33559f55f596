import Credentials
import Foundation
import SAML
import Store
@_spi(Testing) import TestSupport
import Testing
@_spi(Testing) import XMLSecurity

@testable import Admin

/// Applying a fetched metadata document: an IdP's certificate rollover, and every reason a document
/// changes nothing.
struct MetadataApplicationTests {
    /// The IdP's old signing certificate.
    static let certificateA = certificate(TestKeys.idpRSADER)
    /// The IdP's new signing certificate, published beside the old one before the switch.
    static let certificateB = certificate(TestKeys.idpECDER)
    /// A certificate the admin uploaded by hand: the metadata URL must never remove it.
    static let uploadedC = certificate(TestKeys.spNextDER)
    /// The certificate pinned to verify the metadata document's signature.
    static let pinnedDER = TestKeys.spDER

    /// A fixture certificate; one that does not load stops the run (the fixtures are committed).
    static func certificate(_ der: [UInt8]) -> Certificate {
        guard let certificate = try? Certificate(der: der) else { fatalError("a fixture certificate does not load") }
        return certificate
    }

    static let start = Date(timeIntervalSince1970: 1_900_000_000)
    static let day: TimeInterval = 86_400

    /// An account following the metadata URL, with the uploaded certificate and a two-day grace.
    static var followingSettings: SAMLSettings {
        var settings = SAMLSettings()
        settings.idpMetadataURL = "https://idp.example.com/metadata"
        settings.certificates = [uploadedC]
        settings.metadataCertGrace = 2 * 86_400
        return settings
    }

    static func hashes(_ certificates: [Certificate]) -> Set<String> { Set(certificates.map(\.sha256)) }

    static func document(_ certificates: [Certificate]) -> [UInt8] {
        MetadataDocument(signingCertificates: certificates.map(\.der)).bytes
    }

    @Test func anADFSStyleRolloverTrustsTheNewCertificateAtOnceAndTheOldOneUntilItsGraceEnds() throws {
        let a = Self.certificateA
        let b = Self.certificateB
        let c = Self.uploadedC

        // (a) The document has the old certificate only.
        let first = try MetadataApplication.apply(
            Self.document([a]), to: Self.followingSettings, lastSeen: [:], now: Self.start)
        #expect(Self.hashes(first.settings.certificates) == [a.sha256, c.sha256])
        #expect(first.settings.metadataCertificates == [a.sha256])
        #expect(first.added.map(\.sha256) == [a.sha256])
        #expect(first.inGrace.isEmpty && first.removed.isEmpty)
        #expect(first.settings.ssoURL == MetadataDocument.ssoURL)
        #expect(first.settings.idpEntityID == "https://idp.example.com/saml")

        // (b) A day later the IdP publishes the next certificate beside the old one.
        let secondTime = Self.start.addingTimeInterval(Self.day)
        let second = try MetadataApplication.apply(
            Self.document([a, b]), to: first.settings, lastSeen: [a.sha256: Self.start], now: secondTime)
        #expect(Self.hashes(second.settings.certificates) == [a.sha256, b.sha256, c.sha256])
        #expect(second.settings.metadataCertificates == [a.sha256, b.sha256])
        #expect(second.added.map(\.sha256) == [b.sha256])
        #expect(second.inGrace.isEmpty && second.removed.isEmpty)

        // (c) A day later the old certificate is gone from the document: it is still trusted, in grace
        // counted from when it was last seen.
        let thirdTime = secondTime.addingTimeInterval(Self.day)
        let seenInSecond = [a.sha256: secondTime, b.sha256: secondTime]
        let third = try MetadataApplication.apply(
            Self.document([b]), to: second.settings, lastSeen: seenInSecond, now: thirdTime)
        #expect(Self.hashes(third.settings.certificates) == [a.sha256, b.sha256, c.sha256])
        #expect(third.settings.metadataCertificates == [a.sha256, b.sha256])
        #expect(third.added.isEmpty && third.removed.isEmpty)
        #expect(third.inGrace.map(\.certificate.sha256) == [a.sha256])
        #expect(third.inGrace.first?.until == secondTime.addingTimeInterval(2 * Self.day))

        // Once the grace has ended (exactly two days after it was last seen), the old certificate goes.
        let graceEnd = secondTime.addingTimeInterval(2 * Self.day)
        let fourth = try MetadataApplication.apply(
            Self.document([b]), to: third.settings, lastSeen: [a.sha256: secondTime, b.sha256: thirdTime],
            now: graceEnd)
        #expect(Self.hashes(fourth.settings.certificates) == [b.sha256, c.sha256])
        #expect(fourth.settings.metadataCertificates == [b.sha256])
        #expect(fourth.removed.map(\.sha256) == [a.sha256])
        #expect(fourth.inGrace.isEmpty && fourth.added.isEmpty)
    }

    @Test func expiringGraceWithoutADocumentRemovesOnlyMetadataCertificatesPastTheirGrace() throws {
        var settings = Self.followingSettings
        settings.certificates = [Self.certificateA, Self.certificateB, Self.uploadedC]
        settings.metadataCertificates = [Self.certificateA.sha256, Self.certificateB.sha256]
        let lastSeen = [
            Self.certificateA.sha256: Self.start, Self.certificateB.sha256: Self.start.addingTimeInterval(Self.day),
        ]
        #expect(
            MetadataApplication.expireGrace(
                of: settings, lastSeen: lastSeen, now: Self.start.addingTimeInterval(2 * Self.day - 1)) == nil)
        let expired = try #require(
            MetadataApplication.expireGrace(
                of: settings, lastSeen: lastSeen, now: Self.start.addingTimeInterval(2 * Self.day)))
        #expect(expired.certificates.map(\.sha256) == [Self.certificateB.sha256, Self.uploadedC.sha256])
        #expect(expired.metadataCertificates == [Self.certificateB.sha256])
    }

    /// An uploaded certificate the document lists too stays uploaded: when the document drops it, its trust
    /// does not end with the grace.
    @Test func anUploadedCertificateTheDocumentAlsoListsStaysUploaded() throws {
        let listed = try MetadataApplication.apply(
            Self.document([Self.certificateA, Self.uploadedC]), to: Self.followingSettings, lastSeen: [:],
            now: Self.start)
        #expect(Self.hashes(listed.settings.certificates) == [Self.certificateA.sha256, Self.uploadedC.sha256])
        #expect(listed.settings.metadataCertificates == [Self.certificateA.sha256])
        #expect(listed.settings.certificates.filter { $0.sha256 == Self.uploadedC.sha256 }.count == 1)
        let later = Self.start.addingTimeInterval(30 * Self.day)
        let dropped = try MetadataApplication.apply(
            Self.document([Self.certificateA]), to: listed.settings,
            lastSeen: [Self.certificateA.sha256: Self.start, Self.uploadedC.sha256: Self.start], now: later)
        #expect(Self.hashes(dropped.settings.certificates) == [Self.certificateA.sha256, Self.uploadedC.sha256])
        #expect(dropped.removed.isEmpty && dropped.inGrace.isEmpty)
    }

    @Test func replacingCertificatesKeepsOnlyTheDocumentsOwn() throws {
        var settings = Self.followingSettings
        settings.certificates = [Self.certificateA, Self.uploadedC]
        settings.metadataCertificates = [Self.certificateA.sha256]
        let update = try MetadataApplication.apply(
            Self.document([Self.certificateB]), to: settings, lastSeen: [Self.certificateA.sha256: Self.start],
            now: Self.start, replacingCertificates: true)
        #expect(update.settings.certificates.map(\.sha256) == [Self.certificateB.sha256])
        #expect(update.settings.metadataCertificates == [Self.certificateB.sha256])
        #expect(update.inGrace.isEmpty)
    }

    @Test func theDocumentsDigestIsReported() throws {
        let bytes = Self.document([Self.certificateA])
        let update = try MetadataApplication.apply(bytes, to: Self.followingSettings, lastSeen: [:], now: Self.start)
        #expect(update.documentSHA256 == Digests.sha256Fingerprint(bytes))
        #expect(!update.metadata.signatureVerified)
    }

    // MARK: Refusals

    static func refusal(_ document: [UInt8], to settings: SAMLSettings = followingSettings) -> MetadataRefusal? {
        #expect(throws: MetadataRefusal.self) {
            _ = try MetadataApplication.apply(document, to: settings, lastSeen: [:], now: start)
        }
    }

    @Test func refusesWhatIsNotXML() {
        #expect(Self.refusal(Array("not xml at all".utf8))?.check == .parse)
    }

    @Test func refusesADoctype() {
        let xml =
            #"<!DOCTYPE md:EntityDescriptor [<!ENTITY e "x">]>"#
            + MetadataDocument(
                signingCertificates: [Self.certificateA.der]
            ).xml
        #expect(Self.refusal(Array(xml.utf8))?.check == .parse)
    }

    @Test func refusesAnotherEntityIDWhenTheAccountNamesOne() {
        var settings = Self.followingSettings
        settings.idpEntityID = "https://other-idp.example.com/saml"
        let refusal = Self.refusal(Self.document([Self.certificateA]), to: settings)
        #expect(refusal?.check == .entityID)
        #expect(refusal?.reason.contains("https://idp.example.com/saml") == true)
    }

    @Test func refusesADocumentPastItsValidUntil() {
        var document = MetadataDocument(signingCertificates: [Self.certificateA.der])
        document.validUntil = Self.start.addingTimeInterval(-1)
        #expect(Self.refusal(document.bytes)?.check == .validUntil)
        document.validUntil = Self.start
        #expect(Self.refusal(document.bytes)?.check == .validUntil)
    }

    @Test func refusesADocumentWhoseOnlyKeyIsForEncryption() {
        let document = MetadataDocument(signingCertificates: [], encryptionCertificates: [Self.certificateA.der])
        #expect(Self.refusal(document.bytes)?.check == .signingCertificate)
    }

    @Test func refusesAMalformedCacheDuration() {
        var document = MetadataDocument(signingCertificates: [Self.certificateA.der])
        document.cacheDuration = "1 hour"
        #expect(Self.refusal(document.bytes)?.check == .parse)
    }

    static var pinnedSettings: SAMLSettings {
        var settings = followingSettings
        settings.metadataSigningCertificate = certificate(pinnedDER)
        return settings
    }

    @Test func aPinnedCertificateRefusesAnUnsignedDocument() {
        #expect(Self.refusal(Self.document([Self.certificateA]), to: Self.pinnedSettings)?.check == .signature)
    }

    @Test func aPinnedCertificateRefusesADocumentSignedByAnotherKey() throws {
        let forged = try MetadataDocument(signingCertificates: [Self.certificateA.der]).signed(with: TestKeys.attacker)
        #expect(Self.refusal(forged, to: Self.pinnedSettings)?.check == .signature)
    }

    @Test func aPinnedCertificateRefusesASignedDocumentChangedAfterSigning() throws {
        let signed = try MetadataDocument(signingCertificates: [Self.certificateA.der])
            .signed(with: TestKeys.signingKey("sp-rsa"))
        let tampered = String(decoding: signed, as: UTF8.self)
            .replacingOccurrences(of: MetadataDocument.ssoURL, with: "https://evil.example.com/sso")
        #expect(tampered != String(decoding: signed, as: UTF8.self))
        #expect(Self.refusal(Array(tampered.utf8), to: Self.pinnedSettings)?.check == .signature)
    }

    @Test func aPinnedCertificateAcceptsADocumentItSigned() throws {
        let signed = try MetadataDocument(signingCertificates: [Self.certificateA.der])
            .signed(with: TestKeys.signingKey("sp-rsa"))
        let update = try MetadataApplication.apply(signed, to: Self.pinnedSettings, lastSeen: [:], now: Self.start)
        #expect(update.metadata.signatureVerified)
        #expect(update.settings.metadataCertificates == [Self.certificateA.sha256])
        #expect(update.settings.metadataSigningCertificate?.der == Self.pinnedDER)
    }
}
