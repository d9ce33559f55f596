import Foundation

/// samlgate's store: accounts, users, settings, SP keys, sessions, pending requests, the replay cache and
/// the sign-in log, shared by the CLI and every responder.
///
/// One SQLite file by default; a PostgreSQL database when `--db` (or `$SAMLGATE_DB`) is a
/// `postgresql://` or `postgres://` URL, so several web nodes share it. Callers see only this module's
/// types: every operation is written once in ``StoreTransaction`` and runs on either backend.
public final class Store: Sendable {
    /// The default database path when neither `--db` nor `$SAMLGATE_DB` is given.
    public static let defaultPath = "/var/lib/samlgate/samlgate.db"

    /// How long a SQLite writer waits for another process's write lock before giving up.
    public static let busyTimeout: TimeInterval = 5

    /// Who copies SQLite's WAL back into the database file (PostgreSQL ignores it).
    public enum Checkpoints: Sendable {
        /// SQLite's automatic checkpoint, run by the commit that finds 1,000 pages in the WAL: right
        /// for the CLI, which writes little and briefly.
        case automatic
        /// A background thread of this store (``WALCheckpointer``), so no request pays for them: for
        /// the responder, which commits a sign-in at a time from many threads.
        case background
    }

    /// The database this store opened: a file path, or a PostgreSQL URL with its password hidden.
    public var path: String { backend.location }

    /// Whether the database is PostgreSQL (else SQLite).
    public var isPostgreSQL: Bool { sqlite == nil }

    private let backend: any StoreBackend
    private let sqlite: SQLiteBackend?

    /// Opens the database at `path` (a file, or a `postgresql://` / `postgres://` URL).
    ///
    /// - Parameters:
    ///   - create: create the SQLite file (and apply nothing yet) when it does not exist; only
    ///     `samlgate init` does this, so a mistyped `--db` fails clearly instead of creating an empty store.
    ///     A PostgreSQL database is created by its administrator (see the README), never here.
    ///   - checkpoints: who checkpoints SQLite's WAL (see ``Checkpoints``).
    public init(path: String, create: Bool = false, checkpoints: Checkpoints = .automatic) throws {
        if Self.isPostgreSQLURL(path) {
            backend = try PostgresBackend(url: path)
            sqlite = nil
        } else {
            let sqlite = try SQLiteBackend(path: path, create: create, checkpoints: checkpoints)
            backend = sqlite
            self.sqlite = sqlite
        }
    }

    /// Whether `path` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgreSQLURL(_ path: String) -> Bool {
        path.hasPrefix("postgresql://") || path.hasPrefix("postgres://")
    }

    /// Runs one checkpoint round now on the background checkpointer's connection (tests); nil without one.
    @_spi(Testing) public func checkpointNow() throws -> (walFrames: Int, checkpointed: Int)? {
        try sqlite?.checkpointNow()
    }

    /// Resolves the database from `--db`, then `$SAMLGATE_DB`, then ``defaultPath``.
    public static func resolvePath(
        _ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment["SAMLGATE_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// Applies every migration not yet applied and returns the identifiers it applied.
    @discardableResult
    public func migrate() throws -> [String] {
        try backend.migrate()
    }

    /// Throws ``StoreError/schemaOutOfDate(missing:unknown:)`` unless exactly this build's migrations are applied.
    ///
    /// Every command but `init` calls this, so an old schema is reported, never silently used.
    public func checkSchema() throws {
        try backend.checkSchema()
    }

    /// Runs `body` in one write transaction; any error thrown by `body` rolls everything back.
    ///
    /// SQLite takes the write lock up front (BEGIN IMMEDIATE), so a concurrent writer makes this one wait
    /// (up to the busy timeout) rather than fail half-way. PostgreSQL runs it at READ COMMITTED: every
    /// rule that must hold across nodes is one atomic statement (a conditional insert, update or delete
    /// and its row count) or holds a row lock (``StoreTransaction/lockedAccountVersion(slug:)``).
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try backend.write(body)
    }

    /// Runs `body` on a read-only snapshot (SQLite: a deferred transaction, WAL readers never wait for
    /// writers; PostgreSQL: REPEATABLE READ, READ ONLY).
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try backend.read(body)
    }
}
