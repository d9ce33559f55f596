import GRDB
import Synchronization

/// The store's one writer connection, behind the lock that puts this process's writes in order.
///
/// Writers of this process queue on the lock, never inside SQLite (whose busy handler sleeps in
/// milliseconds), so the busy timeout is only spent waiting for another process. The
/// ``WALCheckpointer`` takes the same lock for its RESTART step, which must not interleave with a
/// commit: that is why the lock lives in this object the two share rather than in ``Store``.
final class WriterConnection: Sendable {
    private let connection: Mutex<DatabaseQueue>

    /// Opens the writer connection.
    init(path: String, configuration: Configuration) throws {
        connection = Mutex(try DatabaseQueue(path: path, configuration: configuration))
    }

    /// Runs `body` on the writer connection while no other writer of this process runs.
    func withLock<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        try connection.withLock { queue in try body(queue) }
    }
}
