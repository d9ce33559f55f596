import Foundation
import GRDB
import TestSupport
import Testing

@testable import Store

/// Failures of the database file itself (full, read-only, cannot open, damaged) are reported as
/// ``StoreError/unavailable(_:detail:)`` with advice, not as an anonymous database error; busy stays busy.
@Suite(.enabled(if: TestDatabase.isSQLite)) struct StoreErrorStorageTests {
    /// Real SQLite failures, provoked on a scratch database, mapped by `StoreError.init(_:)`.
    @Test func realSQLiteFailuresMapToTheirStorageFault() throws {
        let temporary = try TemporaryStore()
        let queue = try DatabaseQueue(path: temporary.folder.appendingPathComponent("scratch.db").path)
        try queue.write { try $0.execute(sql: "CREATE TABLE t(x BLOB)") }

        // A file system with no room left: SQLite's page limit makes the same SQLITE_FULL.
        let full = try require(throwing: {
            try queue.write { db in
                try db.execute(sql: "PRAGMA max_page_count = 3")
                try db.execute(sql: "INSERT INTO t VALUES (zeroblob(100000))")
            }
        })
        guard case .unavailable(.diskFull, let detail) = StoreError(full) else {
            Issue.record("SQLITE_FULL mapped to \(StoreError(full))")
            return
        }
        #expect(detail.contains("full"))
        #expect(StoreError(full).description.contains("free space"))

        let readOnly = try require(throwing: {
            try queue.inDatabase { db in
                try db.execute(sql: "PRAGMA query_only = 1")
                defer { try? db.execute(sql: "PRAGMA query_only = 0") }
                try db.execute(sql: "INSERT INTO t VALUES (1)")
            }
        })
        #expect(
            StoreError(readOnly)
                == .unavailable(.readOnly, detail: "attempt to write a readonly database; SQLite code 8"))

        // A folder where the file should be.
        let cannotOpen = try require(throwing: { _ = try DatabaseQueue(path: temporary.folder.path) })
        #expect(StoreError(cannotOpen).storageFault == .cannotOpen)

        let garbage = temporary.folder.appendingPathComponent("garbage.db")
        try Data(repeating: 0x41, count: 8192).write(to: garbage)
        let damaged = try require(throwing: {
            try DatabaseQueue(path: garbage.path).read { try $0.execute(sql: "SELECT * FROM sqlite_master") }
        })
        #expect(StoreError(damaged).storageFault == .damaged)
    }

    @Test(arguments: [
        (ResultCode.SQLITE_IOERR, StoreError.StorageFault.ioError), (.SQLITE_NOLFS, .ioError),
        (.SQLITE_PERM, .readOnly),
        (.SQLITE_NOTADB, .damaged), (.SQLITE_CORRUPT, .damaged),
    ])
    func everyStorageCodeHasItsFault(code: ResultCode, fault: StoreError.StorageFault) {
        #expect(StoreError(DatabaseError(resultCode: code, message: "m")).storageFault == fault)
    }

    @Test func busyAndOtherFailuresAreNotStorageFaults() {
        #expect(StoreError(DatabaseError(resultCode: .SQLITE_BUSY)) == .busy)
        #expect(StoreError(DatabaseError(resultCode: .SQLITE_LOCKED)) == .busy)
        #expect(StoreError(DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE")) == .database("UNIQUE"))
    }
}

/// Runs `body`, which must throw, and returns what it threw.
private func require(throwing body: () throws -> Void) throws -> any Error {
    do {
        try body()
    } catch {
        return error
    }
    throw UnexpectedSuccess()
}

private struct UnexpectedSuccess: Error {}

extension StoreError {
    fileprivate var storageFault: StorageFault? {
        if case .unavailable(let fault, _) = self { return fault }
        return nil
    }
}
