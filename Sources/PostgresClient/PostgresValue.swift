/// A statement parameter: the few types samlgate stores, each sent the way PostgreSQL parses it without a cast.
///
/// Every value but ``bytea(_:)`` travels in text format with an unspecified type, so the server takes the
/// type from the statement's context (the column it is stored in or compared with), exactly as for a quoted
/// literal: `.text("2024-01-01T00:00:00Z")` fills a `timestamptz` column and `.int64(1)` an `integer` one.
/// Raw bytes cannot be text (a zero byte ends a C string), so ``bytea(_:)`` goes in binary format, declared as
/// `bytea`. SQL NULL is a `nil` parameter (`[PostgresValue?]`), not a case here, so a value is always a value.
public enum PostgresValue: Sendable, Hashable {
    /// A 64-bit integer, for `bigint`, `integer` and `smallint` columns.
    case int64(Int64)
    /// Text, for `text`, `varchar` and anything PostgreSQL parses from text (timestamps, UUIDs); it must not
    /// contain a zero character, which the text format cannot carry.
    case text(String)
    /// Raw bytes for a `bytea` column, any byte allowed.
    case bytea([UInt8])
    /// A boolean, sent as `true` or `false`.
    case bool(Bool)
    /// A double, for `double precision` (`inf`, `-inf` and `nan` included).
    case double(Double)
}
