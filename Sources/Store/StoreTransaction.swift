import GRDB

/// The store's operations, run inside one transaction opened by ``Store/write(_:)`` or ``Store/read(_:)``.
///
/// Grouping several operations in one `write` makes them atomic: an ACS post-back records the
/// assertion ID, consumes the request ID, creates the session and logs the attempt together.
public struct StoreTransaction {
    let db: Database

    init(db: Database) {
        self.db = db
    }

    /// The rows changed by the last statement.
    var changes: Int { db.changesCount }
}

extension StoreTransaction {
    /// Runs a statement from the connection's statement cache: the hot-path queries are parsed (and
    /// checked by GRDB's authorizer) once per connection instead of once per request.
    func run(_ sql: String, _ arguments: StatementArguments = StatementArguments()) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// One row from a cached statement.
    func one(_ sql: String, _ arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// All rows from a cached statement.
    func all(_ sql: String, _ arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
