/// What ``Store`` asks of a database engine: transactions that run the shared operations, and the
/// engine's own numbered migrations.
protocol StoreBackend: Sendable {
    /// The database, as messages name it (a file path, or a URL without its password).
    var location: String { get }
    /// Runs `body` in one write transaction; anything `body` throws rolls it all back.
    func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T
    /// Runs `body` in one read-only transaction on a consistent snapshot.
    func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T
    /// Applies the migrations not yet applied and returns their identifiers.
    func migrate() throws -> [String]
    /// Throws ``StoreError/schemaOutOfDate(missing:unknown:)`` unless exactly this build's migrations are applied.
    func checkSchema() throws
}
