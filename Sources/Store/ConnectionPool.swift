import Foundation
import GRDB

/// SQLite read connections to one file, lent to one thread at a time and kept open between uses.
///
/// Why not GRDB's `DatabasePool`: every access there hops through a DispatchQueue (a reader queue
/// picked under a semaphore, or the single writer queue) and wraps reads in `BEGIN` plus two
/// `PRAGMA query_only` toggles. Under the responder's thread pool those hops were the largest item
/// in the profile after the SAML work itself, mostly as context switches. Here a worker takes an idle
/// connection from a locked array (nanoseconds when uncontended), runs on it on its own thread — the
/// connection's serial queue is always idle, so GRDB's `inDatabase` runs the block inline — and puts
/// it back. Each connection keeps its prepared-statement cache, so hot statements are parsed once per
/// connection for the life of the process.
final class ConnectionPool: @unchecked Sendable {
    /// Idle connections beyond this many are closed when returned (a burst does not pin file handles).
    static let maximumIdle = 32

    private let path: String
    private let configuration: Configuration
    private let lock = NSLock()
    // Guarded by `lock`. Unchecked Sendable: the array is only touched under the lock, and a
    // DatabaseQueue is itself thread-safe.
    private var idle: [DatabaseQueue] = []

    /// Opens one connection right away so a wrong path or a corrupt file fails at start-up, not on
    /// the first request.
    init(path: String, configuration: Configuration) throws {
        self.path = path
        self.configuration = configuration
        idle.append(try DatabaseQueue(path: path, configuration: configuration))
    }

    /// Runs `body` on a connection no other thread uses meanwhile.
    func withConnection<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkOut() throws -> DatabaseQueue {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        if let reused { return reused }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    private func checkIn(_ connection: DatabaseQueue) {
        lock.lock()
        let kept = idle.count < Self.maximumIdle
        if kept { idle.append(connection) }
        lock.unlock()
        // A connection not kept closes when its last reference goes, outside the lock.
    }
}
