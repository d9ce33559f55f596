import Credentials
import Foundation
import PostgresClient
import TestSupport
import Testing

@testable import Store

/// What only a PostgreSQL store has: its own migrations, and nodes — separate ``Store`` instances, each with
/// its own connections, as separate web nodes have — racing for the atomic pieces. Each race runs many
/// threads on both stores at once and needs exactly one winner.
@Suite(.enabled(if: TestDatabase.isPostgreSQL), .timeLimit(.minutes(2)))
struct PostgresStoreTests {
    @Test func migratesANewDatabaseOnceAndReportsUnknownMigrations() throws {
        let temporary = try TemporaryStore(migrate: false)
        #expect(throws: StoreError.schemaOutOfDate(missing: PostgresMigrations.identifiers, unknown: [])) {
            try temporary.store.checkSchema()
        }
        #expect(try temporary.store.migrate() == PostgresMigrations.identifiers)
        #expect(try temporary.store.migrate() == [])
        try temporary.store.checkSchema()
        try temporary.store.write { try $0.run("INSERT INTO samlgate_migrations (identifier) VALUES ('9999-future')") }
        #expect(throws: StoreError.schemaOutOfDate(missing: [], unknown: ["9999-future"])) {
            try temporary.store.checkSchema()
        }
        #expect(temporary.store.isPostgreSQL)
    }

    /// Runs `attempt` `count` times at once, alternately on `first` and `second`; the results.
    static func race(
        _ count: Int, _ first: Store, _ second: Store, _ attempt: @escaping @Sendable (Store) throws -> Bool
    )
        -> [Bool]
    {
        let results = ResultBox(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.set(index, (try? attempt(index % 2 == 0 ? first : second)) ?? false)
        }
        return results.values
    }

    @Test func oneAssertionIsAcceptedOnceHoweverManyNodesReceiveIt() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        let keep = Date().addingTimeInterval(600)
        for round in 0..<10 {
            let accepted = Self.race(16, temporary.store, other) { store in
                try store.write { try $0.recordAssertion(accountID: id, assertionID: "_a\(round)", keepUntil: keep) }
            }
            #expect(accepted.filter { $0 }.count == 1, "round \(round): \(accepted)")
        }
    }

    @Test func aPendingRequestIsConsumedOnceAcrossNodes() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        let now = Date()
        for round in 0..<10 {
            try temporary.store.write {
                try $0.rememberRequest(
                    accountID: id, requestID: "_r\(round)", relayToken: "t\(round)", returnTo: nil, createdAt: now,
                    expiresAt: now.addingTimeInterval(600))
            }
            let consumed = Self.race(16, temporary.store, other) { store in
                try store.write { try $0.consumeRequest(accountID: id, requestID: "_r\(round)", now: now) } != nil
            }
            #expect(consumed.filter { $0 }.count == 1, "round \(round): \(consumed)")
        }
    }

    @Test func theMetadataLeaseHasOneHolderAcrossNodes() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        let now = Date()
        let taken = Self.race(16, temporary.store, other) { store in
            try store.write {
                try $0.takeMetadataLease(
                    accountID: id, owner: "node", now: now, until: now.addingTimeInterval(300))
            }
        }
        #expect(taken.filter { $0 }.count == 1, "\(taken)")
    }

    @Test func aSecondOwnerIsRefusedEvenWhenTwoNodesAddOneAtOnce() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        let added = Self.race(8, temporary.store, other) { store in
            let email = "owner\(UUID().uuidString.prefix(6))@example.com"
            return (try? store.write { try $0.addUser(accountID: id, email: email, role: .owner) }) != nil
        }
        #expect(added.filter { $0 }.count == 1, "\(added)")
        #expect(try temporary.store.read { try $0.users(accountID: id) }.filter { $0.role == .owner }.count == 1)
    }

    @Test func aSaveOnOneNodeIsSeenByTheOtherAtItsNextRead() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        let before = try #require(try other.read { try $0.accountVersion(slug: "acme") }?.1)
        var settings = SAMLSettings()
        settings.clockSkew = 42
        try temporary.store.write { try $0.saveSAMLSettings(accountID: id, settings) }
        #expect(try other.read { try $0.accountVersion(slug: "acme") }?.1 == before + 1)
        #expect(try other.read { try $0.samlSettings(accountID: id) }.clockSkew == 42)
    }

    /// Read-modify-write saves on two nodes at once (the CLI's `saml set`, a metadata refresh): each reads
    /// the settings locked, so each builds on the last one and none is lost.
    @Test func settingsChangesOnTwoNodesAtOnceAreAllKept() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        let added = Self.race(12, temporary.store, other) { store in
            try store.write { tx in
                var settings = try tx.lockedSAMLSettings(accountID: id)
                settings.appLogoutCookies.append("c\(settings.appLogoutCookies.count)-\(UUID().uuidString.prefix(8))")
                Thread.sleep(forTimeInterval: 0.01)  // widen the window between read and write
                try tx.saveSAMLSettings(accountID: id, settings)
                return true
            }
        }
        #expect(added == Array(repeating: true, count: 12))
        #expect(try other.read { try $0.samlSettings(accountID: id) }.appLogoutCookies.count == 12)
    }

    /// One node activates the next SP key while another removes it: whichever goes first, the account keeps
    /// exactly one active key.
    @Test func activatingAndRemovingOneKeyOnTwoNodesLeavesOneActiveKey() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        func add(_ tx: StoreTransaction, _ state: SPKey.State, _ tag: String) throws -> SPKey {
            let der = Array("certificate \(tag)".utf8)
            return try tx.addSPKey(
                accountID: id, state: state, certificateDER: der, sha256: Digests.sha256Fingerprint(der),
                notAfter: Date().addingTimeInterval(86_400), sealedPrivateKey: Array("sealed \(tag)".utf8))
        }
        _ = try temporary.store.write { try add($0, .active, "first") }
        for round in 0..<10 {
            let next = try temporary.store.write { try add($0, .next, "round \(round)") }
            _ = Self.race(2, temporary.store, other) { store in
                try store.write { tx in
                    if store === other {
                        try tx.removeSPKey(accountID: id, id: next.id)
                    } else {
                        try tx.activateSPKey(accountID: id, id: next.id)
                    }
                }
                return true
            }
            let active = try other.read { try $0.spKeys(accountID: id) }.filter { $0.state == .active }
            #expect(active.count == 1, "round \(round): \(active.map(\.id))")
        }
    }

    /// A sign-in on one node while an admin disables the user on another, in the order that matters: the
    /// sign-in reads the user, the disable commits, then the sign-in makes its session. That session is
    /// refused while the user is disabled, and ended when the user is enabled again.
    @Test func aSessionThatSlipsPastADisableIsNeverUsable() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        _ = try temporary.store.write { try $0.addUser(accountID: id, email: "alice@example.com", role: .user) }
        for round in 0..<3 {
            let userRead = DispatchSemaphore(value: 0)
            let disableDone = DispatchSemaphore(value: 0)
            let disabling = Thread {
                if userRead.wait(timeout: .now() + 10) == .success {
                    try? other.write { try $0.setDisabled(accountID: id, email: "alice@example.com", disabled: true) }
                }
                disableDone.signal()
            }
            disabling.start()
            try temporary.store.write { tx in
                // As the ACS does: the user read, then (after validation work) the session.
                let user = try #require(try tx.user(accountID: id, email: "alice@example.com"))
                #expect(!user.disabled)
                userRead.signal()
                #expect(disableDone.wait(timeout: .now() + 10) == .success)
                try tx.createSession(
                    accountID: id, userID: user.id, token: "t\(round)", authMethod: .saml, createdAt: Date(),
                    expiresAt: Date().addingTimeInterval(600))
            }
            let (usable, left) = try other.read { tx in
                (
                    try tx.session(accountID: id, token: "t\(round)"),
                    try tx.one("SELECT count(*) AS n FROM session")?["n"] as Int64?
                )
            }
            #expect(left == 1, "round \(round): the session slipped past the disable")
            #expect(usable == nil, "round \(round)")
            try other.write { try $0.setDisabled(accountID: id, email: "alice@example.com", disabled: false) }
            #expect(try other.read { try $0.one("SELECT count(*) AS n FROM session")?["n"] as Int64? } == 0)
        }
    }

    /// A save built on an older version is refused on either node, and writes nothing.
    @Test func aSaveBuiltOnAnOlderVersionIsRefused() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let other = try Store(path: temporary.location)
        let version = try #require(try temporary.store.read { try $0.accountVersion(slug: "acme") }?.1)
        var mine = try temporary.store.read { try $0.samlSettings(accountID: id) }
        try other.write { tx in
            var theirs = try tx.lockedSAMLSettings(accountID: id)
            theirs.clockSkew = 42
            try tx.saveSAMLSettings(accountID: id, theirs)
        }
        mine.clockSkew = 7
        #expect(throws: StoreError.settingsChanged(expected: version, found: version + 1)) {
            try temporary.store.write { try $0.saveSAMLSettings(accountID: id, mine, expectedVersion: version) }
        }
        #expect(try temporary.store.read { try $0.samlSettings(accountID: id) }.clockSkew == 42)
    }

    /// A server restart ends every session the pool holds; the next transactions reconnect and succeed,
    /// on every thread, with no error reaching the caller.
    @Test func connectionsTheServerEndedAreReplacedWithoutAnError() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        // Several connections in the pool: reads on threads of their own that overlap, each holding one.
        let store = temporary.store
        let done = DispatchGroup()
        for _ in 0..<3 {
            done.enter()
            Thread {
                _ = try? store.read {
                    try $0.ping()
                    Thread.sleep(forTimeInterval: 0.3)
                }
                done.leave()
            }.start()
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        let database = try #require(URLComponents(string: temporary.location)?.path.dropFirst())
        let maintenance = try #require(ProcessInfo.processInfo.environment["SAMLGATE_TEST_POSTGRES"])
        let server = try PostgresConnection(url: maintenance)
        let ended = try server.execute(
            "SELECT count(pg_terminate_backend(pid)) AS ended FROM pg_stat_activity WHERE datname = $1",
            [.text(String(database))])
        let count = try ended.firstRow?.int64("ended")
        #expect((count ?? 0) >= 2, "sessions ended: \(String(describing: count))")

        let keep = Date().addingTimeInterval(600)
        let accepted = Self.race(8, store, store) { store in
            try store.write { try $0.recordAssertion(accountID: id, assertionID: "_after-restart", keepUntil: keep) }
        }
        #expect(accepted.filter { $0 }.count == 1, "\(accepted)")
        let reads = Self.race(8, store, store) { store in
            try store.read { try $0.ping() }
            return true
        }
        #expect(reads == Array(repeating: true, count: 8))
    }

    @Test func aWrongPasswordOrServerIsAClearErrorWithoutThePassword() throws {
        do {
            _ = try Store(path: "postgresql://samlgate:s3cret-pw@127.0.0.1:1/none")
            Issue.record("opened a store on a closed port")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("s3cret-pw"), "\(text)")
            #expect(text.contains("127.0.0.1"), "\(text)")
            guard case StoreError.unavailable(.unreachable, _) = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
        }
    }
}

/// Results written by concurrent threads, each at its own index.
final class ResultBox: @unchecked Sendable {
    private var storage: [Bool]
    private let lock = NSLock()

    init(count: Int) {
        storage = Array(repeating: false, count: count)
    }

    func set(_ index: Int, _ value: Bool) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    var values: [Bool] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
