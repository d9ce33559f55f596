import Foundation
import GRDB
import TestSupport
import Testing

@testable import Store

/// Schema creation from empty, and the responder's refusal to run on a schema it does not match.
@Suite(.enabled(if: TestDatabase.isSQLite)) struct MigrationTests {
    static let all = [
        "0001-initial-schema", "0002-settings-version", "0003-ascii-email-keys", "0004-signin-log-bounds",
        "0005-sp-keys", "0006-single-logout", "0007-metadata-url-and-counters", "0008-signin-counter-shards",
        "0009-identity-rules",
    ]

    /// A store migrated up to `migration` with the account `acme`, and `seed`'s rows written in that schema.
    static func acmeStore(at migration: String, seed: (StoreTransaction, Int64) throws -> Void) throws
        -> (TemporaryStore, Int64)
    {
        let temporary = try TemporaryStore(migrate: false)
        let queue = try DatabaseQueue(path: temporary.store.path)
        try Migrations.migrator.migrate(queue, upTo: migration)
        try queue.close()
        let id = try temporary.store.write { tx -> Int64 in
            let id = try tx.addAccount(slug: "acme", name: "Acme", baseURL: "https://help.example.com").id
            try seed(tx, id)
            return id
        }
        return (temporary, id)
    }

    @Test func migratesFromEmptyAndThenHasNothingToDo() throws {
        let temporary = try TemporaryStore(migrate: false)
        #expect(throws: StoreError.schemaOutOfDate(missing: Self.all, unknown: [])) {
            try temporary.store.checkSchema()
        }
        #expect(try temporary.store.migrate() == Self.all)
        #expect(try temporary.store.migrate() == [])
        try temporary.store.checkSchema()
    }

    /// Sessions and log rows of a 0005 store survive 0006: a session's NameID stays, its new qualifier
    /// columns are empty, and old log rows read as sign-ins.
    @Test func migratingA0005DatabaseKeepsSessionsAndLogRows() throws {
        let temporary = try TemporaryStore(migrate: false)
        let queue = try DatabaseQueue(path: temporary.store.path)
        try Migrations.migrator.migrate(queue, upTo: "0005-sp-keys")
        try queue.close()
        let now = Date()
        let id = try temporary.store.write { tx -> Int64 in
            let id = try tx.addAccount(slug: "acme", name: "Acme", baseURL: "https://help.example.com").id
            let user = try tx.addUser(accountID: id, email: "u@example.com", role: .owner)
            try tx.run(
                """
                INSERT INTO session (token_hash, account_id, user_id, auth_method, created_at, expires_at, name_id,
                    session_index) VALUES (x'00', ?, ?, 'saml', ?, ?, 'u@example.com', '_s1')
                """, [id, user.id, Int64(now.timeIntervalSince1970), Int64(now.timeIntervalSince1970) + 600])
            try tx.run(
                """
                INSERT INTO signin_log (account_id, time, outcome, method, reason, reference)
                VALUES (?, ?, 'accepted', 'saml', 'signed in', 'R')
                """, [id, Int64(now.timeIntervalSince1970)])
            return id
        }
        #expect(try temporary.store.migrate() == Array(Self.all.dropFirst(5)))
        let ended = try temporary.store.write {
            try $0.endSessions(accountID: id, nameID: "u@example.com", format: "any", sessionIndexes: ["_s1"])
        }
        #expect(ended == ["u@example.com"])
        #expect(try temporary.store.read { try $0.log(accountID: id) }.map(\.event) == [.signIn])
    }

    /// Certificates of a 0006 store become uploaded ones in 0007, the settings read the metadata defaults, and
    /// earlier sign-ins are not counted (the counters start at the migration).
    @Test func migratingA0006DatabaseKeepsCertificatesAsUploaded() throws {
        let (temporary, id) = try Self.acmeStore(at: "0006-single-logout") { tx, id in
            try tx.run(
                """
                INSERT INTO idp_certificate (account_id, position, der, subject, sha256, not_after)
                VALUES (?, 0, x'3000', 'CN=idp', 'AA:BB', 2000000000)
                """, [id])
        }
        #expect(try temporary.store.migrate() == Array(Self.all.dropFirst(6)))
        let (settings, state, counts) = try temporary.store.read { tx in
            (try tx.samlSettings(accountID: id), try tx.metadataRefreshState(accountID: id), try tx.signInCounts())
        }
        #expect(settings.certificates.map(\.sha256) == ["AA:BB"])
        #expect(settings.metadataCertificates.isEmpty)
        #expect(
            settings.idpMetadataURL == nil && settings.metadataRefresh == 21_600
                && settings.metadataCertGrace == 604_800)
        #expect(state == nil)
        #expect(counts.isEmpty)
    }

    /// Counts of a 0007 store are carried into the sharded counter of 0008, and go on from there.
    @Test func migratingA0007DatabaseKeepsTheSignInCounts() throws {
        let (temporary, id) = try Self.acmeStore(at: "0007-metadata-url-and-counters") { tx, id in
            try tx.run(
                """
                INSERT INTO signin_counter (account_id, method, outcome, check_name, count)
                VALUES (?, 'saml', 'accepted', '', 41), (?, 'saml', 'rejected', 'replay', 3)
                """, [id, id])
        }
        #expect(try temporary.store.migrate() == ["0008-signin-counter-shards", "0009-identity-rules"])
        try temporary.store.write { tx in
            try tx.appendLog(
                accountID: id,
                SignInLogEntry(
                    time: Date(), outcome: .accepted, method: .saml, email: "a@example.com", identityVerified: true,
                    reason: "signed in", reference: "SG-AAAAAAAAAA"))
        }
        let counts = try temporary.store.read { try $0.signInCounts() }
        #expect(counts.map { "\($0.outcome)/\($0.check)=\($0.count)" } == ["accepted/=42", "rejected/replay=3"])
    }

    /// A store at 0004 with an account, a user and changed settings keeps all three through 0005, and its
    /// settings read the new columns' defaults.
    @Test func migratingA0004DatabaseKeepsItsData() throws {
        let temporary = try TemporaryStore(migrate: false)
        let queue = try DatabaseQueue(path: temporary.store.path)
        try Migrations.migrator.migrate(queue, upTo: "0004-signin-log-bounds")
        try queue.close()
        let (id, settings) = try temporary.store.write { tx in
            let id = try tx.addAccount(slug: "acme", name: "Acme", baseURL: "https://help.example.com").id
            try tx.addUser(accountID: id, email: "owner@example.com", role: .owner)
            try tx.run(
                "UPDATE saml_settings SET enabled = 1, sso_url = 'https://idp.example/sso', log_retention = 86400")
            var settings = SAMLSettings()
            settings.enabled = true
            settings.ssoURL = "https://idp.example/sso"
            settings.logRetention = 86_400
            return (id, settings)
        }
        let version = try temporary.store.read { try $0.accountVersion(slug: "acme") }?.1
        #expect(try temporary.store.migrate() == Array(Self.all.dropFirst(4)))
        try temporary.store.checkSchema()
        let (emails, migrated, migratedVersion, keys, keyless) = try temporary.store.read { tx in
            (
                try tx.users(accountID: id).map(\.email), try tx.samlSettings(accountID: id),
                try tx.accountVersion(slug: "acme")?.1, try tx.spKeys(accountID: id),
                try tx.accountsWithoutSPKey().map(\.slug)
            )
        }
        #expect(emails == ["owner@example.com"])
        #expect(migrated == settings)
        #expect(migratedVersion == version)
        #expect(keys.isEmpty && keyless == ["acme"])
    }

    @Test func refusesAMissingFileUnlessCreating() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString).db").path
        #expect(throws: StoreError.missingDatabase(path: path)) { try Store(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func usesWALForeignKeysAndBusyTimeout() throws {
        let temporary = try TemporaryStore()
        let (journal, foreignKeys) = try temporary.store.read { tx in
            (
                try String.fetchOne(tx.db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(tx.db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(Store.busyTimeout >= 1)
    }

    @Test func reportsMigrationsFromANewerBuild() throws {
        let temporary = try TemporaryStore()
        try temporary.store.write { tx in
            try tx.db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999-future')")
        }
        #expect(throws: StoreError.schemaOutOfDate(missing: [], unknown: ["9999-future"])) {
            try temporary.store.checkSchema()
        }
    }

    @Test func resolvesThePathFromOptionThenEnvironmentThenDefault() {
        #expect(Store.resolvePath("/a.db", environment: ["SAMLGATE_DB": "/b.db"]) == "/a.db")
        #expect(Store.resolvePath(nil, environment: ["SAMLGATE_DB": "/b.db"]) == "/b.db")
        #expect(Store.resolvePath(nil, environment: [:]) == Store.defaultPath)
    }
}
