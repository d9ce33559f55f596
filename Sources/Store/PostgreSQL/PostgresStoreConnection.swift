import PostgresClient

/// A PostgreSQL connection inside a transaction, speaking the store's SQL: `?` and `?N` placeholders
/// become `$N`, integer parameters are declared `bigint` (Unix times and ids do not fit PostgreSQL's
/// guess of `integer` for an untyped literal beside a small constant), blobs travel as `bytea`.
struct PostgresStoreConnection: StoreConnection {
    let connection: PostgresConnection
    /// The rows the last statement changed, kept for ``changes``.
    private let lastChanges: ChangeCounter

    init(connection: PostgresConnection) {
        self.connection = connection
        lastChanges = ChangeCounter()
    }

    var dialect: SQLDialect { .postgresql }

    func execute(_ sql: String, _ arguments: StoreArguments) throws {
        _ = try run(sql, arguments)
    }

    func rows(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
        let result = try run(sql, arguments)
        let columns = Self.columnIndexes(result.columns)
        return result.rows.map { row in
            StoreRow(values: row.values.map { $0.map(StoreValue.text) ?? .null }, columns: columns)
        }
    }

    func firstRow(_ sql: String, _ arguments: StoreArguments) throws -> StoreRow? {
        try rows(sql, arguments).first
    }

    var changes: Int { lastChanges.value }

    private func run(_ sql: String, _ arguments: StoreArguments) throws -> PostgresResult {
        let statement = Self.typed(PostgresPlaceholders.rewrite(sql), arguments.values)
        let result = try connection.execute(statement, arguments.values.map(Self.parameter))
        lastChanges.value = result.affectedRows
        return result
    }

    /// Each column's first position: a join that selects two columns of one name reads the first by name.
    private static func columnIndexes(_ names: [String]) -> [String: Int] {
        var indexes: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexes[name] == nil { indexes[name] = index }
        return indexes
    }

    /// `sql` with `::bigint` after each `$N` whose value is an integer.
    static func typed(_ sql: String, _ values: [StoreValue]) -> String {
        let integers = Set(
            values.indices.filter { if case .integer = values[$0] { true } else { false } }.map { $0 + 1 })
        guard !integers.isEmpty else { return sql }
        var output = ""
        var characters = sql[...]
        while let dollar = characters.firstIndex(of: "$") {
            output += characters[..<dollar]
            var digits = characters[characters.index(after: dollar)...].prefix { $0.isASCII && $0.isNumber }
            output += "$" + digits
            characters = characters[digits.endIndex...]
            if let number = Int(digits), integers.contains(number), !characters.hasPrefix("::") { output += "::bigint" }
            digits = ""
        }
        return output + characters
    }

    private static func parameter(_ value: StoreValue) -> PostgresValue? {
        switch value {
        case .null: nil
        case .integer(let integer): .int64(integer)
        case .real(let real): .double(real)
        case .text(let text): .text(text)
        case .blob(let data): .bytea([UInt8](data))
        }
    }
}

/// The row count of a connection's last statement; a class so the connection value can stay a struct.
final class ChangeCounter {
    var value = 0
}
