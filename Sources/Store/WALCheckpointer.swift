import Foundation
import GRDB

/// Copies committed WAL pages back into the database file from a thread of its own.
///
/// With SQLite's automatic checkpoints, the commit that crosses the threshold does the copying and
/// its two fsyncs while holding the write lock, so one sign-in in a thousand waited tens of
/// milliseconds and every other writer with it (the p99 latency under load). A PASSIVE checkpoint
/// never waits for readers or writers and does not block them, so running it here every quarter of
/// a second keeps the WAL short without any request paying for it.
final class WALCheckpointer: @unchecked Sendable {
    /// How often the WAL is checkpointed.
    static let interval: DispatchTimeInterval = .milliseconds(250)

    private let connection: DatabaseQueue
    private let stopRequested = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    /// Opens the checkpointer's own connection and starts its thread.
    init(path: String, configuration: Configuration) throws {
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [self] in run() }
        thread.name = "samlgate-checkpoint"
        thread.start()
    }

    private func run() {
        while stopRequested.wait(timeout: .now() + Self.interval) == .timedOut {
            // A failure (disk full, read-only file) also fails the next write, which reports it;
            // the checkpoint is simply tried again next time.
            _ = try? checkpoint()
        }
        stopped.signal()
    }

    /// One PASSIVE checkpoint; returns the WAL's frame count and how many of them are now in the database.
    @discardableResult
    func checkpoint() throws -> (walFrames: Int, checkpointed: Int) {
        try connection.inDatabase { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    /// Stops the thread and waits for it (a checkpoint in progress finishes first).
    func stop() {
        stopRequested.signal()
        stopped.wait()
    }
}
