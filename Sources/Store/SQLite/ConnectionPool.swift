import Foundation
import GRDB
import Synchronization

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
final class ConnectionPool: Sendable {
    /// Idle connections beyond this many are closed when returned (a burst does not pin file handles).
    static let maximumIdle = 32

    private let path: String
    private let configuration: Configuration
    private let idle: Mutex<[DatabaseQueue]>

    /// Opens one connection right away so a wrong path or a corrupt file fails at start-up, not on
    /// the first request.
    init(path: String, configuration: Configuration) throws {
        self.path = path
        self.configuration = configuration
        idle = Mutex([try DatabaseQueue(path: path, configuration: configuration)])
    }

    /// Runs `body` on a connection no other thread uses meanwhile.
    func withConnection<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkOut() throws -> DatabaseQueue {
        if let reused = idle.withLock({ $0.popLast() }) { return reused }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    private func checkIn(_ connection: DatabaseQueue) {
        idle.withLock { idle in
            if idle.count < Self.maximumIdle { idle.append(connection) }
        }
        // A connection not kept closes when its last reference goes, outside the lock.
    }
}
