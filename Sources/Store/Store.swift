import Foundation
import GRDB

/// samlgate's SQLite store: one file shared by the CLI and the responder.
///
/// WAL lets the responder's readers run while the CLI writes; the busy timeout makes a writer wait
/// for another process's write instead of failing at once; foreign keys keep sessions and log rows
/// tied to live accounts. Callers see only this module's types: all SQL stays in ``StoreTransaction``
/// so another backend (PostgreSQL for multi-node installs) can replace it.
public final class Store: Sendable {
    /// The default database path when neither `--db` nor `$SAMLGATE_DB` is given.
    public static let defaultPath = "/var/lib/samlgate/samlgate.db"

    /// How long a writer waits for another process's write lock before giving up.
    public static let busyTimeout: TimeInterval = 5

    /// The database file this store opened.
    public let path: String
    private let pool: DatabasePool

    /// Opens the database at `path`.
    ///
    /// - Parameter create: create the file (and apply nothing yet) when it does not exist; only
    ///   `samlgate init` does this, so a mistyped `--db` fails clearly instead of creating an empty store.
    public init(path: String, create: Bool = false) throws {
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.missingDatabase(path: path)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "samlgate"
        self.path = path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(error)
        }
    }

    /// Resolves the database path from `--db`, then `$SAMLGATE_DB`, then ``defaultPath``.
    public static func resolvePath(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment["SAMLGATE_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// Applies every migration not yet applied and returns the identifiers it applied.
    @discardableResult
    public func migrate() throws -> [String] {
        do {
            let migrator = Migrations.migrator
            let before = try pool.read { try migrator.appliedIdentifiers($0) }
            try migrator.migrate(pool)
            return migrator.migrations.filter { !before.contains($0) }
        } catch {
            throw StoreError(error)
        }
    }

    /// Throws ``StoreError/schemaOutOfDate(missing:unknown:)`` unless exactly this build's migrations are applied.
    ///
    /// Every command but `init` calls this, so an old schema is reported, never silently used.
    public func checkSchema() throws {
        let migrator = Migrations.migrator
        let applied: Set<String>
        do {
            applied = try pool.read { db in
                try db.tableExists("grdb_migrations") ? migrator.appliedIdentifiers(db) : []
            }
        } catch {
            throw StoreError(error)
        }
        let known = migrator.migrations
        let missing = known.filter { !applied.contains($0) }
        let unknown = applied.subtracting(known).sorted()
        if !missing.isEmpty || !unknown.isEmpty {
            throw StoreError.schemaOutOfDate(missing: missing, unknown: unknown)
        }
    }

    /// Runs `body` in one write transaction that takes the write lock up front (BEGIN IMMEDIATE).
    ///
    /// Taking the lock first means a concurrent writer makes us wait (up to the busy timeout)
    /// rather than fail half-way; any error thrown by `body` rolls everything back.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: Result<T, any Error> = .failure(StoreError.database("transaction did not run"))
                try db.inTransaction(.immediate) {
                    result = .success(try body(StoreTransaction(db: db)))
                    return .commit
                }
                return try result.get()
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    /// Runs `body` on a read-only snapshot.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(StoreTransaction(db: db)) }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }
}
