import GRDB

/// The store's operations, run inside one transaction opened by ``Store/write(_:)`` or ``Store/read(_:)``.
///
/// Grouping several operations in one `write` makes them atomic: an ACS post-back records the
/// assertion ID, consumes the request ID, creates the session and logs the attempt together. The
/// operations are written once, in SQL every backend accepts; ``StoreConnection`` runs them.
public struct StoreTransaction {
    let connection: any StoreConnection

    init(connection: any StoreConnection) {
        self.connection = connection
    }

    /// The rows changed by the last statement.
    var changes: Int { connection.changes }

    /// The SQL dialect of the backend, for the few statements that differ.
    var dialect: SQLDialect { connection.dialect }
}

extension StoreTransaction {
    /// Runs a statement.
    func run(_ sql: String, _ arguments: StoreArguments = []) throws {
        try connection.execute(sql, arguments)
    }

    /// The first row of a statement.
    func one(_ sql: String, _ arguments: StoreArguments = []) throws -> StoreRow? {
        try connection.firstRow(sql, arguments)
    }

    /// All rows of a statement.
    func all(_ sql: String, _ arguments: StoreArguments = []) throws -> [StoreRow] {
        try connection.rows(sql, arguments)
    }
}

extension StoreTransaction {
    /// The GRDB database of a SQLite transaction, for tests that look at SQLite itself (pragmas, raw
    /// rows); operations go through ``run(_:_:)``, ``one(_:_:)`` and ``all(_:_:)`` so every backend runs them.
    var db: Database {
        guard let sqlite = connection as? SQLiteConnection else {
            preconditionFailure("a SQLite-only test ran on another backend")
        }
        return sqlite.db
    }
}
