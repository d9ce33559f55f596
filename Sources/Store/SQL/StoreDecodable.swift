import Foundation
import GRDB
import PostgresClient

/// A Swift type a column can be read as.
///
/// A non-optional read of NULL or of the wrong kind is a broken schema invariant (every column the
/// store reads non-optionally is `NOT NULL` with that type), so it stops with the column's name rather
/// than inventing a value.
protocol StoreDecodable {
    /// The value, or nil when `value` cannot be read as this type.
    static func decode(_ value: StoreValue) -> Self?
    /// The same from a SQLite column as GRDB read it (the hot path: no intermediate value).
    static func decode(database value: DatabaseValue) -> Self?
}

extension StoreDecodable {
    static func decode(database value: DatabaseValue) -> Self? { decode(StoreRow.storeValue(value)) }
}

extension StoreDecodable where Self: DatabaseValueConvertible {
    static func decode(database value: DatabaseValue) -> Self? { fromDatabaseValue(value) }
}

extension Int64: StoreDecodable {
    static func decode(_ value: StoreValue) -> Int64? {
        switch value {
        case .integer(let integer): integer
        case .real(let real): Int64(exactly: real)
        case .text(let text): Int64(text)
        default: nil
        }
    }
}

extension Int: StoreDecodable {
    static func decode(_ value: StoreValue) -> Int? { Int64.decode(value).map { Int($0) } }
}

extension Bool: StoreDecodable {
    static func decode(_ value: StoreValue) -> Bool? {
        switch value {
        case .integer(let integer): integer != 0
        case .text(let text) where text == "t" || text == "true": true
        case .text(let text) where text == "f" || text == "false": false
        case .text(let text): Int64(text).map { $0 != 0 }
        default: nil
        }
    }
}

extension Double: StoreDecodable {
    static func decode(_ value: StoreValue) -> Double? {
        switch value {
        case .real(let real): real
        case .integer(let integer): Double(integer)
        case .text(let text): Double(text)
        default: nil
        }
    }
}

extension String: StoreDecodable {
    static func decode(_ value: StoreValue) -> String? {
        switch value {
        case .text(let text): text
        case .integer(let integer): String(integer)
        case .real(let real): String(real)
        default: nil
        }
    }
}

extension Data: StoreDecodable {
    /// A blob; or, from PostgreSQL's text results, a `bytea` in its hex output format (`\x` and two hex
    /// digits a byte).
    static func decode(_ value: StoreValue) -> Data? {
        switch value {
        case .blob(let data): return data
        case .text(let text): return PostgresBytea.decode(text).map { Data($0) }
        default: return nil
        }
    }
}

extension Optional: StoreDecodable where Wrapped: StoreDecodable {
    static func decode(_ value: StoreValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.decode(value).map { .some($0) }
    }

    static func decode(database value: DatabaseValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        return Wrapped.decode(database: value).map { .some($0) }
    }
}

extension StoreValue: StoreDecodable {
    /// The value as stored, whatever its kind.
    static func decode(_ value: StoreValue) -> StoreValue? { value }
}
