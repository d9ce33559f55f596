import Foundation
import GRDB

/// Copies committed WAL pages back into the database file from a thread of its own.
///
/// With SQLite's automatic checkpoints, the commit that crosses the threshold does the copying and
/// its two fsyncs while holding the write lock, so one sign-in in a thousand waited tens of
/// milliseconds and every other writer with it (the p99 latency under load). A PASSIVE checkpoint
/// never waits for readers or writers and does not block them, so running it here every quarter of
/// a second keeps the WAL short without any request paying for it.
///
/// A PASSIVE checkpoint alone never starts the WAL over while sign-ins keep committing: it copies up
/// to the WAL's end as it was when it started, and a writer starts the log over from its beginning
/// only when it finds every frame copied and no reader on an older snapshot. Under steady load the
/// WAL would therefore grow by every commit, and the kernel would zero each new block the file
/// gains. So each round ends with a RESTART checkpoint
/// holding the store's write lock: it has only the frames committed during the PASSIVE pass left to
/// copy, and waits (briefly, see ``readerWait``) for readers of older snapshots, so that the next
/// commit starts the log over and writes into blocks the file already has.
final class WALCheckpointer: Sendable {
    /// How often the WAL is checkpointed.
    static let interval: DispatchTimeInterval = .milliseconds(250)

    /// How long the RESTART step waits for readers still on an older snapshot before it gives up
    /// for this round; writers of this process wait as long, so it stays short. A read transaction
    /// here lasts tens of microseconds; a longer one (a CLI report) just postpones the restart.
    static let readerWait = 0.01

    private let connection: DatabaseQueue
    private let writer: WriterConnection
    private let stopRequested = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    /// Opens the checkpointer's own connection and starts its thread.
    ///
    /// - Parameter writer: the store's writer connection, whose lock this process's writers hold while they commit.
    init(path: String, configuration: Configuration, writer: WriterConnection) throws {
        var configuration = configuration
        // SQLite's own busy timeout sleeps a whole millisecond at first; poll faster and give up soon.
        let polls = Int(Self.readerWait / 0.000_1)
        configuration.busyMode = .callback { tries in
            usleep(100)
            return tries < polls
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.writer = writer
        let thread = Thread { [self] in run() }
        thread.name = "samlgate-checkpoint"
        thread.start()
    }

    private func run() {
        while stopRequested.wait(timeout: .now() + Self.interval) == .timedOut {
            // A failure (disk full, read-only file) also fails the next write, which reports it;
            // the checkpoint is simply tried again next time.
            _ = try? round()
        }
        stopped.signal()
    }

    /// Copies the WAL into the database file without blocking writers, then, holding the write lock,
    /// copies what was committed meanwhile and starts the log over. Does nothing when the WAL is empty.
    @discardableResult
    func round() throws -> (walFrames: Int, checkpointed: Int) {
        let unlocked = try checkpoint(.passive)
        guard unlocked.walFrames > 0 else { return unlocked }
        return try writer.withLock { _ in try checkpoint(.restart) }
    }

    /// One checkpoint; returns the WAL's frame count and how many of them are now in the database.
    /// (A RESTART that succeeds leaves the log to be started over by the next commit.)
    private func checkpoint(_ mode: Database.CheckpointMode) throws -> (walFrames: Int, checkpointed: Int) {
        try connection.inDatabase { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(mode == .passive ? "PASSIVE" : "RESTART"))")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    /// Stops the thread and waits for it (a checkpoint in progress finishes first).
    func stop() {
        stopRequested.signal()
        stopped.wait()
    }
}
