import Foundation
import GRDB
import Testing

@testable import Store

/// WAL checkpoints: the responder's are made by a background thread, never by a committing request.
struct CheckpointTests {
    /// Writes ~100 pages in one transaction: they sit in the WAL until a checkpoint copies them.
    private func writePages(_ store: Store) throws {
        try store.write { tx in
            try tx.db.execute(sql: "CREATE TABLE filler (payload BLOB)")
            for _ in 0..<300 { try tx.db.execute(sql: "INSERT INTO filler VALUES (zeroblob(1200))") }
        }
    }

    private func fileSize(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }

    @Test func backgroundCheckpointsCopyTheWALWithoutAnyoneAsking() throws {
        let temporary = try TemporaryStore(checkpoints: .background)
        let path = temporary.store.path
        // No committing connection checkpoints by itself.
        #expect(try temporary.store.read { try Int.fetchOne($0.db, sql: "PRAGMA wal_autocheckpoint") } == 0)
        let before = try fileSize(path)
        try writePages(temporary.store)
        // The thread copies the pages into the database file within a few of its rounds.
        let deadline = Date().addingTimeInterval(5)
        while try fileSize(path) < before + 300 * 1200, Date() < deadline { usleep(50_000) }
        #expect(try fileSize(path) >= before + 300 * 1200, "the database file did not grow: no checkpoint ran")
        let state = try #require(try temporary.store.checkpointNow())
        #expect(state.checkpointed == state.walFrames)
    }

    @Test func automaticCheckpointsLeaveSmallWritesInTheWAL() throws {
        let temporary = try TemporaryStore(checkpoints: .automatic)
        let before = try fileSize(temporary.store.path)
        try writePages(temporary.store)
        usleep(600_000)  // more than two background rounds
        // Below SQLite's 1,000-page threshold nothing is copied back yet, and there is no thread.
        #expect(try fileSize(temporary.store.path) == before)
        #expect(try temporary.store.checkpointNow() == nil)
    }
}
