/// One result row: each column's text-format value, `nil` for SQL NULL, read by column name.
///
/// Every accessor returns `nil` for NULL and throws ``PostgresError/unexpectedValue(column:expected:)`` when
/// the text is not of the type asked for, so a schema mismatch surfaces as an error naming the column rather
/// than as a wrong value.
public struct PostgresRow: Sendable {
    /// The result's column names, shared by all its rows.
    public let columns: [String]
    /// The values in column order, as PostgreSQL's text output; `nil` is NULL.
    public let values: [String?]

    /// The column's text as the server printed it; for `text` and `varchar` this is the value itself.
    public func string(_ column: String) throws(PostgresError) -> String? {
        guard let index = columns.firstIndex(of: column) else { throw .noSuchColumn(column) }
        return values[index]
    }

    /// An integer column (`smallint`, `integer`, `bigint`).
    public func int64(_ column: String) throws(PostgresError) -> Int64? {
        guard let text = try string(column) else { return nil }
        guard let value = Int64(text) else { throw .unexpectedValue(column: column, expected: "an integer") }
        return value
    }

    /// A `boolean` column, which PostgreSQL prints as `t` or `f`.
    public func bool(_ column: String) throws(PostgresError) -> Bool? {
        switch try string(column) {
        case nil: return nil
        case "t": return true
        case "f": return false
        default: throw .unexpectedValue(column: column, expected: "a boolean (t or f)")
        }
    }

    /// A `double precision` column (`Infinity`, `-Infinity` and `NaN` included).
    public func double(_ column: String) throws(PostgresError) -> Double? {
        guard let text = try string(column) else { return nil }
        guard let value = Double(text) else { throw .unexpectedValue(column: column, expected: "a number") }
        return value
    }

    /// A `bytea` column, decoded from the hex text format (`\x` then two hex digits a byte), PostgreSQL's
    /// default `bytea_output`. The older escape format is refused rather than guessed at.
    public func bytes(_ column: String) throws(PostgresError) -> [UInt8]? {
        guard let text = try string(column) else { return nil }
        guard let bytes = PostgresBytea.decode(text) else {
            throw .unexpectedValue(column: column, expected: "bytea in hex format (\\x…)")
        }
        return bytes
    }
}
