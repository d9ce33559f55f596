/// What the store's operations need of a database connection inside a transaction: run a statement,
/// read its rows, count the rows it changed. One implementation per backend.
protocol StoreConnection {
    /// The SQL the backend speaks, where the two differ.
    var dialect: SQLDialect { get }
    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ arguments: StoreArguments) throws
    /// Runs a statement and returns its rows.
    func rows(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow]
    /// Runs a statement and returns its first row.
    func firstRow(_ sql: String, _ arguments: StoreArguments) throws -> StoreRow?
    /// The rows changed by the last statement.
    var changes: Int { get }
}
