import GRDB

/// A SQLite connection inside a transaction, through GRDB's statement cache: the hot-path queries are
/// parsed (and checked by GRDB's authorizer) once per connection instead of once per request.
struct SQLiteConnection: StoreConnection {
    let db: Database

    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: StoreArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: Self.bound(arguments))
    }

    func rows(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: Self.bound(arguments)).map(StoreRow.init)
    }

    func firstRow(_ sql: String, _ arguments: StoreArguments) throws -> StoreRow? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: Self.bound(arguments)).map(StoreRow.init)
    }

    var changes: Int { db.changesCount }

    private static func bound(_ arguments: StoreArguments) -> StatementArguments {
        StatementArguments(arguments.elements.map { $0 as (any DatabaseValueConvertible)? })
    }
}
