import Credentials
import Foundation
import TestSupport
import Testing

@testable import Store

/// `samlgate store copy`: every table arrives whole (compared row by row, each value as its column's kind),
/// into a SQLite file or — in the PostgreSQL run — a PostgreSQL database; a target with rows is refused.
@Suite struct StoreCopyTests {
    /// A SQLite store with at least one row in every table, including blobs with zero and high bytes and a
    /// name with a quote and non-ASCII letters.
    static func filledSource() throws -> TemporarySQLiteStore {
        let source = try TemporarySQLiteStore()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try source.store.write { tx in
            let account = try tx.addAccount(slug: "acme", name: "Acme's Hélpdesk", baseURL: "https://help.example.com")
            let owner = try tx.addUser(accountID: account.id, email: "owner@example.com", role: .owner)
            _ = try tx.addUser(
                accountID: account.id, email: "Ünïcode@example.com", role: .user, givenName: "Zoë", familyName: nil)
            var settings = SAMLSettings()
            settings.enabled = true
            settings.ssoURL = "https://idp.example.com/sso"
            settings.certificates = [try Certificate(der: TestKeys.idpRSADER)]
            settings.idpMetadataURL = "https://idp.example.com/metadata"
            settings.metadataSigningCertificate = try Certificate(der: TestKeys.idpECDER)
            settings.metadataCertificates = [settings.certificates[0].sha256]
            try tx.saveSAMLSettings(accountID: account.id, settings, now: now)
            try tx.createSession(
                accountID: account.id, userID: owner.id, token: "token", authMethod: .saml, createdAt: now,
                expiresAt: now.addingTimeInterval(3600),
                subject: SAMLSubject(nameID: "owner@example.com", format: "email", sessionIndex: "_s1"))
            try tx.rememberRequest(
                accountID: account.id, requestID: "_r1", relayToken: "relay", returnTo: "/tickets?x=1",
                createdAt: now, expiresAt: now.addingTimeInterval(600))
            _ = try tx.recordAssertion(
                accountID: account.id, assertionID: "_a1", keepUntil: now.addingTimeInterval(600))
            try tx.appendLog(
                accountID: account.id,
                SignInLogEntry(
                    time: now, outcome: .rejected, method: .saml, email: "x@example.com", identityVerified: false,
                    reason: "audience: wrong", reference: "SG-1", failedCheck: "audience", expected: "a",
                    actual: "b", clockOffset: -3, clientAddress: "192.0.2.1"))
            try tx.recordLoginFailure(accountID: account.id, email: "owner@example.com", clientAddress: "192.0.2.1")
            let spCertificate = TestKeys.der("sp-rsa-cert.pem")
            _ = try tx.addSPKey(
                accountID: account.id, state: .active, certificateDER: spCertificate,
                sha256: Digests.sha256Fingerprint(spCertificate), notAfter: now.addingTimeInterval(86_400),
                sealedPrivateKey: [0, 255, 0, 1, 128])
            try tx.rememberLogoutRequest(
                accountID: account.id, requestID: "_l1", email: "owner@example.com", createdAt: now,
                expiresAt: now.addingTimeInterval(600))
            try tx.recordMetadataRefresh(
                accountID: account.id, now: now, error: "fetch: down", nextFetchAt: now.addingTimeInterval(60))
        }
        return source
    }

    @Test func everyTableArrivesWhole() throws {
        let source = try Self.filledSource()
        let target = try TemporaryStore()
        let copied = try target.store.copy(from: source.store)
        let contents = try source.store.contents()
        for table in StoreTable.all {
            #expect(contents[table.name]?.isEmpty == false, "the source has no \(table.name) row to copy")
        }
        #expect(copied.count == StoreTable.all.count)
        #expect(try target.store.contents() == contents)
        // Ids go on after the copied ones.
        let next = try target.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://b.example")
        }
        #expect(next.id > 1)
        #expect(
            try target.store.read {
                try $0.session(accountID: 1, token: "token", now: Date(timeIntervalSince1970: 1_800_000_001))
            }?.0.email == "owner@example.com")
    }

    @Test func aTargetWithRowsIsRefusedAndKeepsThem() throws {
        let source = try Self.filledSource()
        let target = try TemporaryStore()
        _ = try target.addAcme()
        let before = try target.store.contents()
        #expect(throws: StoreError.targetNotEmpty(table: "account")) { try target.store.copy(from: source.store) }
        #expect(try target.store.contents() == before)
    }
}

/// A migrated SQLite store in a temporary folder, whatever the run's backend: the copy's source.
final class TemporarySQLiteStore {
    let folder: URL
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samlgate-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store(path: folder.appendingPathComponent("source.db").path, create: true)
        try store.migrate()
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }
}
