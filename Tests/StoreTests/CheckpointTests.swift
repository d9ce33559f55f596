import Foundation
import GRDB
import Synchronization
import TestSupport
import Testing

@_spi(Testing) @testable import Store

/// WAL checkpoints: the responder's are made by a background thread, never by a committing request.
@Suite(.enabled(if: TestDatabase.isSQLite)) struct CheckpointTests {
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

    /// The WAL header's checkpoint sequence number (bytes 12–15, big-endian): SQLite bumps it each
    /// time a writer restarts the log from its beginning.
    private func walRestarts(_ path: String) throws -> UInt32? {
        guard let header = FileManager.default.contents(atPath: path + "-wal"), header.count >= 32 else { return nil }
        return header[12..<16].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Under writes that never pause, a PASSIVE checkpoint never catches up with the WAL's end, and
    /// SQLite only starts the log over when a writer finds it wholly copied: the file grew by every
    /// commit. The checkpointer finishes each round holding the
    /// store's write lock, so the next commit starts the WAL over — also while readers keep reading
    /// (each on the snapshot it began with, which a restart must wait for).
    @Test(arguments: [0, 3])
    func theWALStartsOverWhileWritesNeverPause(readers: Int) throws {
        let temporary = try TemporaryStore(checkpoints: .background)
        let store = temporary.store
        let path = store.path
        try store.write { try $0.db.execute(sql: "CREATE TABLE filler (payload BLOB)") }
        let first = try #require(try walRestarts(path))
        let stop = StopFlag()
        var threads = [
            Thread {
                while !stop.isSet {
                    _ = try? store.write { try $0.db.execute(sql: "INSERT INTO filler VALUES (zeroblob(600))") }
                }
                stop.acknowledge()
            }
        ]
        for _ in 0..<readers {
            threads.append(
                Thread {
                    while !stop.isSet {
                        _ = try? store.read { try Int.fetchOne($0.db, sql: "SELECT max(rowid) FROM filler") }
                    }
                    stop.acknowledge()
                })
        }
        threads.forEach { $0.start() }
        defer {
            stop.set()
            while stop.acknowledgements < threads.count { usleep(1_000) }
        }
        let deadline = Date().addingTimeInterval(5)
        var restarts = first
        while restarts == first, Date() < deadline {
            usleep(50_000)
            restarts = try walRestarts(path) ?? first
        }
        #expect(restarts != first, "the WAL never started over while a writer kept committing")
    }
}

/// A stop flag for the test's threads, and how many of them have stopped.
private final class StopFlag: Sendable {
    private let state = Mutex((stopped: false, stoppedThreads: 0))
    var isSet: Bool { state.withLock { $0.stopped } }
    var acknowledgements: Int { state.withLock { $0.stoppedThreads } }
    func set() { state.withLock { $0.stopped = true } }
    func acknowledge() { state.withLock { $0.stoppedThreads += 1 } }
}
