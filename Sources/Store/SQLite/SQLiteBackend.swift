import Foundation
import GRDB

/// The SQLite backend of ``Store``: one file shared by the CLI and the responder.
///
/// WAL lets the responder's readers run while the CLI writes; the busy timeout makes a writer wait
/// for another process's write instead of failing at once; foreign keys keep sessions and log rows
/// tied to live accounts.
///
/// Reads use connections from a ``ConnectionPool`` (one per concurrent reader, reused with its
/// prepared statements). Writes use one writer connection behind a lock: writers of this process
/// queue on the lock, never inside SQLite (whose busy handler sleeps in milliseconds), so the busy
/// timeout is only spent waiting for another process (the CLI); and the writer's page cache stays
/// valid from one commit to the next (a commit by another connection would make it re-read the pages
/// it writes every time).
final class SQLiteBackend: StoreBackend {
    /// The size, in bytes, a WAL file is cut back to when it starts over (see `journal_size_limit`).
    static let walSizeLimit = 64 << 20

    /// The database file this store opened.
    let path: String

    var location: String { path }
    private let readers: ConnectionPool
    private let writer: WriterConnection
    private let checkpointer: WALCheckpointer?

    /// Opens the database at `path`.
    ///
    /// - Parameters:
    ///   - create: create the file (and apply nothing yet) when it does not exist; only `samlgate init`
    ///     does this, so a mistyped `--db` fails clearly instead of creating an empty store.
    ///   - checkpoints: who checkpoints the WAL (see ``Checkpoints``).
    init(path: String, create: Bool, checkpoints: Store.Checkpoints) throws {
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.missingDatabase(path: path)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Store.busyTimeout)
        configuration.label = "samlgate"
        if create {
            // WAL is a property of the file: set once here, every later connection finds it.
            configuration.journalMode = .wal
            try Self.createPrivately(path)
        }
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL: a commit appends to the WAL without an fsync; checkpoints
            // fsync. See SECURITY.md, "Known limits".
            // No mmap_size: SQLite unmaps and remaps the whole file at the start of every read
            // transaction after another connection's commit, so with a commit per sign-in it would add
            // one mmap + munmap and their page faults per sign-in, more than the few pread(2) calls it saves.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // When a writer starts the WAL over, it cuts a file grown past this back to it (a burst, or
            // a long read that kept checkpoints from finishing), yet keeps the blocks a busy quarter
            // second reuses: writing into existing blocks is cheaper than extending the file.
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.walSizeLimit)")
            if checkpoints == .background { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        self.path = path
        do {
            writer = try WriterConnection(path: path, configuration: configuration)
            readers = try ConnectionPool(path: path, configuration: configuration)
            checkpointer =
                checkpoints == .background
                ? try WALCheckpointer(path: path, configuration: configuration, writer: writer) : nil
        } catch {
            throw StoreError(error)
        }
    }

    deinit {
        checkpointer?.stop()
    }

    /// Creates the database file readable and writable by its owner only (0600), before SQLite opens
    /// it, and takes world access away from an existing one.
    ///
    /// It holds password hashes and session digests. SQLite gives its `-wal` and `-shm` files the
    /// database file's permissions, so they follow. Group access an admin grants on purpose (0640 or
    /// 0660 for the web server's group) is kept.
    static func createPrivately(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            return
        }
        guard errno == EEXIST else {
            throw StoreError.unavailable(
                .cannotOpen, detail: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & 0o007 != 0 {
            _ = chmod(path, status.st_mode & 0o7770)
        }
    }

    /// Runs one checkpoint round now on the background checkpointer's connection (tests); nil without one.
    func checkpointNow() throws -> (walFrames: Int, checkpointed: Int)? {
        try checkpointer?.round()
    }

    /// Applies every migration not yet applied and returns the identifiers it applied.
    func migrate() throws -> [String] {
        do {
            let migrator = Migrations.migrator
            return try writer.withLock { writer in
                let before = try writer.read { try migrator.appliedIdentifiers($0) }
                try migrator.migrate(writer)
                return migrator.migrations.filter { !before.contains($0) }
            }
        } catch {
            throw StoreError(error)
        }
    }

    /// Throws ``StoreError/schemaOutOfDate(missing:unknown:)`` unless exactly this build's migrations are applied.
    ///
    /// Every command but `init` calls this, so an old schema is reported, never silently used.
    func checkSchema() throws {
        let migrator = Migrations.migrator
        let applied: Set<String>
        do {
            applied = try readers.withConnection { connection in
                try connection.read { db in
                    // A pooled connection caches the schema it saw; the writer may have migrated since.
                    db.clearSchemaCache()
                    return try db.tableExists("grdb_migrations") ? migrator.appliedIdentifiers(db) : []
                }
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
    func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try writer.withLock { writer in
                try writer.inDatabase { db in try Self.transaction(db, begin: "BEGIN IMMEDIATE", body) }
            }
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    /// Runs `body` on a read-only snapshot (a deferred transaction: WAL readers never wait for writers).
    func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try readers.withConnection { connection in
                try connection.inDatabase { db in try Self.transaction(db, begin: "BEGIN", body) }
            }
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    /// `begin`, `body`, then `COMMIT` — or `ROLLBACK` when anything throws, so no partial write stays.
    ///
    /// The three statements come from the connection's statement cache; GRDB's `inTransaction` would
    /// parse them anew on every call.
    private static func transaction<T>(_ db: Database, begin: String, _ body: (StoreTransaction) throws -> T) throws
        -> T
    {
        try db.cachedStatement(sql: begin).execute()
        do {
            let result = try body(StoreTransaction(connection: SQLiteConnection(db: db)))
            try db.cachedStatement(sql: "COMMIT").execute()
            return result
        } catch {
            // A failed COMMIT or statement may already have ended the transaction (SQLite rolls back
            // on some errors, e.g. SQLITE_FULL); only roll back what is still open.
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK").execute() }
            throw error
        }
    }
}
