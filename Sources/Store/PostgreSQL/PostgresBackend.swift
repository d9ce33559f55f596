import Foundation
import PostgresClient
import Synchronization

/// The PostgreSQL backend of ``Store``: a pool of libpq connections, one per thread using it at once.
///
/// Writes run at READ COMMITTED. That is enough because every rule that must hold across nodes is one
/// statement whose row count decides (the replay insert with `ON CONFLICT DO NOTHING`, consuming a pending
/// request with a conditional `UPDATE … RETURNING`, taking the metadata lease with a conditional `UPDATE`),
/// a unique index (one owner, one active SP key), or a row lock (a request that validated with cached
/// settings locks the settings row before it writes, so no save commits in between). A deadlock or a lost
/// connection runs the transaction again, at most ``attempts`` times; reads run at REPEATABLE READ, READ
/// ONLY, so a read of several tables sees one moment.
final class PostgresBackend: StoreBackend {
    let location: String
    private let url: String
    private let idle = Mutex<[PooledConnection]>([])

    /// Connections kept open between uses beyond which a returned one is closed.
    static let maximumIdle = 32
    /// Tries of one transaction when the server breaks a deadlock or the connection is lost.
    static let attempts = 3

    /// Connects once right away, so a wrong URL, password or database fails at start-up with the reason.
    init(url: String) throws {
        self.url = url
        do {
            let first = try PostgresConnection(url: url)
            location = first.redactedURL
            idle.withLock { $0.append(PooledConnection(first)) }
        } catch {
            throw StoreError(postgres: error)
        }
    }

    func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try transaction(isolation: .readCommitted, readOnly: false, body)
    }

    func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try transaction(isolation: .repeatableRead, readOnly: true, body)
    }

    func migrate() throws -> [String] {
        try withConnection { connection in
            try connection.begin()
            do {
                // One `samlgate init` at a time, however many run at once on different nodes.
                _ = try connection.executeScript("SELECT pg_advisory_xact_lock(7301)")
                _ = try connection.executeScript(PostgresMigrations.ledger)
                let applied = Set(
                    try connection.execute("SELECT identifier FROM samlgate_migrations").rows.compactMap {
                        try $0.string("identifier")
                    })
                var done: [String] = []
                for migration in PostgresMigrations.all where !applied.contains(migration.identifier) {
                    _ = try connection.executeScript(migration.sql)
                    _ = try connection.execute(
                        "INSERT INTO samlgate_migrations (identifier) VALUES ($1)", [.text(migration.identifier)])
                    done.append(migration.identifier)
                }
                try connection.commit()
                return done
            } catch {
                try? connection.rollback()
                throw error
            }
        }
    }

    func checkSchema() throws {
        let applied = try withConnection { connection -> Set<String> in
            let ledger = try connection.execute("SELECT to_regclass('samlgate_migrations') IS NOT NULL AS present")
            guard try ledger.firstRow?.bool("present") == true else { return [] }
            return Set(
                try connection.execute("SELECT identifier FROM samlgate_migrations").rows.compactMap {
                    try $0.string("identifier")
                })
        }
        let known = PostgresMigrations.identifiers
        let missing = known.filter { !applied.contains($0) }
        let unknown = applied.subtracting(known).sorted()
        if !missing.isEmpty || !unknown.isEmpty {
            throw StoreError.schemaOutOfDate(missing: missing, unknown: unknown)
        }
    }

    private func transaction<T>(
        isolation: PostgresIsolation, readOnly: Bool, _ body: (StoreTransaction) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try withConnection { connection in
                    try connection.begin(isolation: isolation, readOnly: readOnly)
                    do {
                        let result = try body(
                            StoreTransaction(connection: PostgresStoreConnection(connection: connection)))
                        try commit(connection)
                        return result
                    } catch {
                        if connection.isHealthy, connection.isInTransaction { try? connection.rollback() }
                        throw error
                    }
                }
            } catch let error as PostgresError {
                guard error.isRetryable, attempt < Self.attempts else { throw StoreError(postgres: error) }
                attempt += 1
            }
        }
    }

    /// A connection lost while its COMMIT was on the way may have committed: running the transaction again
    /// could record a sign-in twice or refuse it as its own replay, so that one is an outage, not a retry.
    private func commit(_ connection: PostgresConnection) throws {
        do {
            try connection.commit()
        } catch {
            guard error.isConnectionLost else { throw error }
            throw StoreError.unavailable(
                .unreachable,
                detail: error.description + " while committing; the transaction may or may not have been applied")
        }
    }

    /// Runs `body` on a connection no other thread uses meanwhile: an idle one (reconnected first if the
    /// server went away), or a new one. Failures come out as ``StoreError``s.
    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let pooled: PooledConnection
        do {
            pooled = try checkOut()
        } catch {
            throw StoreError(postgres: error)
        }
        do {
            let result = try body(pooled.connection)
            checkIn(pooled)
            return result
        } catch let error as PostgresError {
            // A connection that failed a statement is kept only if the session itself is fine.
            if pooled.connection.isHealthy, !pooled.connection.isInTransaction { checkIn(pooled) }
            if error.isRetryable { throw error }
            throw StoreError(postgres: error)
        } catch {
            if pooled.connection.isHealthy, !pooled.connection.isInTransaction { checkIn(pooled) }
            throw error
        }
    }

    private func checkOut() throws -> PooledConnection {
        while let reused = idle.withLock({ $0.popLast() }) {
            if reused.connection.isHealthy { return reused }
            if (try? reused.connection.reset()) != nil, reused.connection.isHealthy { return reused }
        }
        return PooledConnection(try PostgresConnection(url: url))
    }

    private func checkIn(_ pooled: PooledConnection) {
        idle.withLock { idle in
            if idle.count < Self.maximumIdle { idle.append(pooled) }
        }
    }
}

/// A libpq connection while it sits in the pool or is lent to one thread: never used by two at once.
final class PooledConnection: @unchecked Sendable {
    let connection: PostgresConnection

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }
}
