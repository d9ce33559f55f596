import Credentials
import Foundation
import GRDB
import Testing

@testable import Store

/// The metadata refresh state in the store: the lease that lets one fetcher at a time work on an account
/// across processes, the failure counts the back-off and the metrics read, and when each metadata
/// certificate was last seen (its grace starts there).
struct MetadataRefreshStoreTests {
    static let start = Date(timeIntervalSince1970: 1_900_000_000)
    static let url = "https://idp.example.com/metadata"

    static func certificate(_ name: String) -> Certificate {
        Certificate(der: [0x30, 0x00], subject: "CN=\(name)", sha256: name, notAfter: start.addingTimeInterval(86_400))
    }

    /// Gives the account a metadata URL at `now`: its first fetch is due one refresh interval later.
    static func follow(_ temporary: TemporaryStore, accountID: Int64, now: Date = start) throws {
        try temporary.store.write { tx in
            var settings = try tx.samlSettings(accountID: accountID)
            settings.idpMetadataURL = url
            try tx.saveSAMLSettings(accountID: accountID, settings, now: now)
        }
    }

    static func take(
        _ temporary: TemporaryStore, _ accountID: Int64, owner: String, at now: Date, force: Bool = false
    ) throws -> Bool {
        try temporary.store.write {
            try $0.takeMetadataLease(
                accountID: accountID, owner: owner, now: now, until: now.addingTimeInterval(300), force: force)
        }
    }

    static func state(_ temporary: TemporaryStore, _ accountID: Int64) throws -> MetadataRefreshState? {
        try temporary.store.read { try $0.metadataRefreshState(accountID: accountID) }
    }

    @Test func settingAURLSchedulesTheFirstFetchOneIntervalLater() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try Self.follow(temporary, accountID: id)
        let state = try #require(try Self.state(temporary, id))
        #expect(state.nextFetchAt == Self.start.addingTimeInterval(6 * 3600))
        #expect(state.failures == 0 && state.failuresTotal == 0 && state.lastAttemptAt == nil)
    }

    @Test func theLeaseGoesToOneFetcherAtATime() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try Self.follow(temporary, accountID: id)
        let due = Self.start.addingTimeInterval(6 * 3600)
        #expect(try !Self.take(temporary, id, owner: "early", at: due.addingTimeInterval(-1)))
        #expect(try Self.take(temporary, id, owner: "one", at: due))
        #expect(try !Self.take(temporary, id, owner: "two", at: due))
        let owner = try temporary.store.read {
            try $0.one("SELECT lease_owner FROM metadata_refresh WHERE account_id = ?", [id])?["lease_owner"] as String?
        }
        #expect(owner == "one")
    }

    @Test func aRecordedRefreshReleasesTheLeaseButTheNextFetchWaitsItsTurn() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try Self.follow(temporary, accountID: id)
        let due = Self.start.addingTimeInterval(6 * 3600)
        #expect(try Self.take(temporary, id, owner: "one", at: due))
        let next = due.addingTimeInterval(3600)
        try temporary.store.write {
            try $0.recordMetadataRefresh(
                accountID: id, now: due.addingTimeInterval(5), error: nil, nextFetchAt: next, documentSHA256: "D1")
        }
        #expect(try !Self.take(temporary, id, owner: "two", at: due.addingTimeInterval(10)))
        #expect(try !Self.take(temporary, id, owner: "two", at: next.addingTimeInterval(-1)))
        #expect(try Self.take(temporary, id, owner: "two", at: next))
    }

    @Test func forceTakesTheLeaseEvenWhenNotDueOrHeld() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try Self.follow(temporary, accountID: id)
        #expect(try !Self.take(temporary, id, owner: "loop", at: Self.start))
        #expect(try Self.take(temporary, id, owner: "cli", at: Self.start, force: true))
        #expect(try Self.take(temporary, id, owner: "cli-again", at: Self.start, force: true))
    }

    @Test func anExpiredLeaseCanBeTaken() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try Self.follow(temporary, accountID: id)
        let due = Self.start.addingTimeInterval(6 * 3600)
        #expect(try Self.take(temporary, id, owner: "dead", at: due))
        #expect(try !Self.take(temporary, id, owner: "two", at: due.addingTimeInterval(299)))
        #expect(try Self.take(temporary, id, owner: "two", at: due.addingTimeInterval(300)))
    }

    @Test func dueRefreshesListOnlyDueUnleasedAccounts() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let (late, leased, _) = try temporary.store.write { tx in
            (
                try tx.addAccount(slug: "late", name: "Late", baseURL: "https://late.example.com").id,
                try tx.addAccount(slug: "leased", name: "Leased", baseURL: "https://leased.example.com").id,
                try tx.addAccount(slug: "manual", name: "Manual", baseURL: "https://manual.example.com").id
            )
        }
        try Self.follow(temporary, accountID: acme)
        try Self.follow(temporary, accountID: leased, now: Self.start.addingTimeInterval(60))
        try Self.follow(temporary, accountID: late, now: Self.start.addingTimeInterval(3600))
        let now = Self.start.addingTimeInterval(6 * 3600 + 60)
        #expect(try Self.take(temporary, leased, owner: "one", at: now))
        let listed = try temporary.store.read { try $0.dueMetadataRefreshes(now: now) }
        #expect(listed == ["acme"])
        // An hour on, the lease has expired and the late account is due too; the longest-waiting comes first.
        let later = try temporary.store.read {
            try $0.dueMetadataRefreshes(now: Self.start.addingTimeInterval(7 * 3600))
        }
        #expect(later == ["acme", "leased", "late"])
    }

    @Test func failuresCountUntilASuccessAndTheTotalKeepsCounting() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try Self.follow(temporary, accountID: id)
        let t1 = Self.start.addingTimeInterval(100)
        let t2 = Self.start.addingTimeInterval(200)
        let t3 = Self.start.addingTimeInterval(300)
        let t4 = Self.start.addingTimeInterval(400)
        func record(_ now: Date, error: String?) throws {
            try temporary.store.write {
                try $0.recordMetadataRefresh(
                    accountID: id, now: now, error: error, nextFetchAt: now.addingTimeInterval(60),
                    documentSHA256: error == nil ? "D" : nil)
            }
        }

        try record(t1, error: "fetch: connection refused")
        var state = try #require(try Self.state(temporary, id))
        #expect(state.failures == 1 && state.failuresTotal == 1)
        #expect(state.failingSince == t1 && state.lastAttemptAt == t1 && state.lastSuccessAt == nil)
        #expect(state.lastError == "fetch: connection refused")
        #expect(state.nextFetchAt == t1.addingTimeInterval(60))

        try record(t2, error: "signature: no signature")
        state = try #require(try Self.state(temporary, id))
        #expect(state.failures == 2 && state.failuresTotal == 2)
        #expect(state.failingSince == t1 && state.lastAttemptAt == t2)
        #expect(state.lastError == "signature: no signature")

        try record(t3, error: nil)
        state = try #require(try Self.state(temporary, id))
        #expect(state.failures == 0 && state.failuresTotal == 2)
        #expect(state.failingSince == nil && state.lastError == nil)
        #expect(state.lastSuccessAt == t3 && state.documentSHA256 == "D")

        try record(t4, error: "parse: not XML")
        state = try #require(try Self.state(temporary, id))
        #expect(state.failures == 1 && state.failuresTotal == 3 && state.failingSince == t4)
        #expect(state.lastSuccessAt == t3)
    }

    @Test func savingSettingsKeepsWhenEachMetadataCertificateWasLastSeen() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let a = Self.certificate("AA")
        let b = Self.certificate("BB")
        let uploaded = Self.certificate("CC")
        try temporary.store.write { tx in
            var settings = try tx.samlSettings(accountID: id)
            settings.idpMetadataURL = Self.url
            settings.certificates = [a, uploaded]
            settings.metadataCertificates = [a.sha256]
            try tx.saveSAMLSettings(accountID: id, settings, now: Self.start)
        }
        #expect(try temporary.store.read { try $0.metadataCertificatesLastSeen(accountID: id) } == ["AA": Self.start])

        let later = Self.start.addingTimeInterval(86_400)
        try temporary.store.write { tx in
            var settings = try tx.samlSettings(accountID: id)
            settings.certificates = [b, uploaded, a]
            settings.metadataCertificates = [a.sha256, b.sha256]
            try tx.saveSAMLSettings(accountID: id, settings, now: later)
        }
        let (settings, seen) = try temporary.store.read { tx in
            (try tx.samlSettings(accountID: id), try tx.metadataCertificatesLastSeen(accountID: id))
        }
        #expect(seen == ["AA": Self.start, "BB": later])
        #expect(settings.certificates.map(\.sha256) == ["BB", "CC", "AA"])
        #expect(settings.metadataCertificates == ["AA", "BB"])
    }

    @Test func markingCertificatesSeenMovesOnlyMetadataOnesAndKeepsTheSettingsVersion() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try temporary.store.write { tx in
            var settings = try tx.samlSettings(accountID: id)
            settings.idpMetadataURL = Self.url
            settings.certificates = [Self.certificate("AA"), Self.certificate("CC")]
            settings.metadataCertificates = ["AA"]
            try tx.saveSAMLSettings(accountID: id, settings, now: Self.start)
        }
        let version = try #require(try temporary.store.read { try $0.accountVersion(slug: "acme") }?.1)
        let later = Self.start.addingTimeInterval(3600)
        try temporary.store.write {
            try $0.markMetadataCertificatesSeen(accountID: id, sha256s: ["AA", "CC"], now: later)
        }
        #expect(try temporary.store.read { try $0.metadataCertificatesLastSeen(accountID: id) } == ["AA": later])
        #expect(try temporary.store.read { try $0.accountVersion(slug: "acme") }?.1 == version)
    }

    @Test func removingTheURLDeletesTheRefreshState() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try Self.follow(temporary, accountID: id)
        try temporary.store.write {
            try $0.recordMetadataRefresh(
                accountID: id, now: Self.start, error: "fetch: refused", nextFetchAt: Self.start)
        }
        #expect(try Self.state(temporary, id)?.failures == 1)
        try temporary.store.write { tx in
            var settings = try tx.samlSettings(accountID: id)
            settings.idpMetadataURL = nil
            try tx.saveSAMLSettings(accountID: id, settings, now: Self.start)
        }
        #expect(try Self.state(temporary, id) == nil)
        #expect(
            try temporary.store.read { try $0.dueMetadataRefreshes(now: Self.start.addingTimeInterval(86_400)) }.isEmpty
        )
    }
}
