import Credentials
import Foundation
import Testing
import XMLSecurity

@_spi(Testing) import SAML

/// Responses recorded from real IdPs (Entra ID, ADFS, Okta, Google, Keycloak, Shibboleth, SimpleSAMLphp,
/// PingFederate, Auth0, Secureworks), each validated as the SP it was made for would: its Post-back URL
/// and Audience, its clock, its IdP's certificate.
///
/// The corpus lives outside the repository (`../shared/interop`, or `$SAMLGATE_INTEROP_DIR`); without it
/// the test is skipped with a comment saying so, never passed silently.
@Suite(.enabled(if: RealIdPCorpus.folder != nil, RealIdPCorpus.absence))
struct RealIdPResponseTests {
    @Test(arguments: RealIdPCorpus.entries)
    func isAcceptedAsItsSPWould(_ entry: RealIdPCorpus.Entry) throws {
        let folder = try #require(RealIdPCorpus.folder)
        let certificates = try CertificateImporter.certificates(
            from: [UInt8](try Data(contentsOf: folder.appendingPathComponent("certs/\(entry.name).pem"))))
        let decryptionKeys =
            try entry.encrypted
            ? [
                DecryptionKey(
                    privateKeyPEM: [UInt8](
                        try Data(contentsOf: folder.appendingPathComponent("spkeys/\(entry.name).key.pem"))),
                    label: entry.name)
            ] : []
        let validator = try ResponseValidator(
            provider: ServiceProvider(postbackURL: entry.acsURL, audienceURI: entry.audience),
            policy: IdentityProviderPolicy(allowSHA1: entry.signatureAlgorithm == "rsa-sha1"),
            certificatesDER: certificates.map(\.der), decryptionKeys: decryptionKeys)
        let response = try Data(contentsOf: folder.appendingPathComponent(entry.file)).base64EncodedString()
        let result = validator.verify(samlResponse: response, now: entry.issueInstant.addingTimeInterval(1))
        let verified = try result.get()
        if entry.encrypted {
            // The corpus cannot name what only the plaintext holds: the NameID must have come out of it.
            #expect(!verified.nameID.isEmpty, "\(entry.name)")
        } else {
            #expect(verified.nameID == entry.expectedIdentity, "\(entry.name)")
        }
    }
}

/// The corpus index (`corpus.tsv`): one row per recorded response.
enum RealIdPCorpus {
    struct Entry: Sendable, CustomTestStringConvertible {
        let file: String
        let idp: String
        let signatureAlgorithm: String
        let encrypted: Bool
        let acsURL: String
        let audience: String
        let issueInstant: Date
        let expectedIdentity: String

        var name: String { URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent }
        var testDescription: String { name }
    }

    static let folder: URL? = {
        let environment = ProcessInfo.processInfo.environment["SAMLGATE_INTEROP_DIR"].map(URL.init(fileURLWithPath:))
        let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/interop")
        let folder = environment ?? beside
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("corpus.tsv").path) ? folder : nil
    }()

    static let absence: Comment =
        "SKIPPED: the real-IdP corpus is absent (expected ../shared/interop beside the repository, or $SAMLGATE_INTEROP_DIR)"

    static let entries: [Entry] = {
        guard let folder,
            let text = try? String(contentsOf: folder.appendingPathComponent("corpus.tsv"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 10, let instant = SAMLTime.parse(columns[8]) else { return nil }
            return Entry(
                file: columns[0], idp: columns[1], signatureAlgorithm: columns[4], encrypted: columns[5] == "yes",
                acsURL: columns[6], audience: columns[7],
                issueInstant: instant, expectedIdentity: columns[9])
        }
    }()
}
