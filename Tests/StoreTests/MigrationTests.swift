import Foundation
import GRDB
import Testing

@testable import Store

/// Schema creation from empty, and the responder's refusal to run on a schema it does not match.
struct MigrationTests {
    static let all = [
        "0001-initial-schema", "0002-settings-version", "0003-ascii-email-keys", "0004-signin-log-bounds",
        "0005-sp-keys",
    ]

    @Test func migratesFromEmptyAndThenHasNothingToDo() throws {
        let temporary = try TemporaryStore(migrate: false)
        #expect(throws: StoreError.schemaOutOfDate(missing: Self.all, unknown: [])) {
            try temporary.store.checkSchema()
        }
        #expect(try temporary.store.migrate() == Self.all)
        #expect(try temporary.store.migrate() == [])
        try temporary.store.checkSchema()
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
