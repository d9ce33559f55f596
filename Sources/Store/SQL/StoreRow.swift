import Foundation
import GRDB

/// One result row, read by column name or position as any ``StoreDecodable`` type.
///
/// SQLite rows stay GRDB's own (no copy on the hot path: the session check reads one row per request);
/// other backends hand over their values already converted.
struct StoreRow {
    enum Storage {
        /// A row of a SQLite statement.
        case sqlite(Row)
        /// Values by position, with the position of each column name.
        case values([StoreValue], columns: [String: Int])
    }

    let storage: Storage

    init(_ row: Row) {
        storage = .sqlite(row)
    }

    init(values: [StoreValue], columns: [String: Int]) {
        storage = .values(values, columns: columns)
    }

    /// The column named `name` (the first one when a join repeats it).
    subscript<T: StoreDecodable>(_ name: String) -> T {
        if case .sqlite(let row) = storage {
            guard let value = T.decode(database: row[name] as DatabaseValue? ?? .null) else {
                Self.mismatch(column: name, T.self)
            }
            return value
        }
        return Self.decoded(value(named: name), column: name)
    }

    /// The column at `index`, counting from 0.
    subscript<T: StoreDecodable>(_ index: Int) -> T {
        if case .sqlite(let row) = storage {
            guard let value = T.decode(database: row[index] as DatabaseValue) else {
                Self.mismatch(column: "#\(index)", T.self)
            }
            return value
        }
        return Self.decoded(value(at: index), column: "#\(index)")
    }

    private static func mismatch<T>(column: String, _: T.Type) -> Never {
        preconditionFailure("column \(column) is not a \(T.self): the schema and the store disagree")
    }

    /// The column names, in order.
    var columnNames: [String] {
        switch storage {
        case .sqlite(let row): Array(row.columnNames)
        case .values(_, let columns): columns.sorted { $0.value < $1.value }.map(\.key)
        }
    }

    /// Whether the row has a column named `name`.
    func hasColumn(_ name: String) -> Bool {
        switch storage {
        case .sqlite(let row): row.hasColumn(name)
        case .values(_, let columns): columns[name] != nil
        }
    }

    private func value(named name: String) -> StoreValue {
        switch storage {
        case .sqlite(let row):
            guard let value = row[name] as DatabaseValue? else { return .null }
            return Self.storeValue(value)
        case .values(let values, let columns):
            guard let index = columns[name] else {
                preconditionFailure("the store read a column '\(name)' its query has not")
            }
            return values[index]
        }
    }

    private func value(at index: Int) -> StoreValue {
        switch storage {
        case .sqlite(let row): Self.storeValue(row[index] as DatabaseValue)
        case .values(let values, _): values[index]
        }
    }

    static func storeValue(_ value: DatabaseValue) -> StoreValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .blob(data)
        }
    }

    private static func decoded<T: StoreDecodable>(_ value: StoreValue, column: String) -> T {
        guard let decoded = T.decode(value) else {
            preconditionFailure("column \(column) holds \(value), not a \(T.self): the schema and the store disagree")
        }
        return decoded
    }
}
