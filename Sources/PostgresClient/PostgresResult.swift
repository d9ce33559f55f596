/// What one statement returned: its rows, in text format, and how many rows it changed.
///
/// Results come back in PostgreSQL's text format, one representation for every type, so a row is just
/// optional strings; ``PostgresRow``'s accessors turn them into Swift values (a `bytea` arrives hex-encoded
/// and is decoded there). The whole result is copied out of libpq before `execute` returns, so it needs no
/// connection and can cross threads.
public struct PostgresResult: Sendable {
    /// The column names, in the order of the select list.
    public let columns: [String]
    /// The rows, in the order the server sent them.
    public let rows: [PostgresRow]
    /// Rows inserted, updated, deleted or selected, from the command tag (`PQcmdTuples`); 0 for a command that
    /// reports no count (`CREATE TABLE`) and for an `INSERT … ON CONFLICT DO NOTHING` that hit the conflict.
    public let affectedRows: Int
    /// The command tag, such as `INSERT 0 1`, `UPDATE 3` or `ROLLBACK`.
    public let command: String

    /// The single row of a statement expected to return at most one, such as a lookup by key.
    public var firstRow: PostgresRow? { rows.first }
}
