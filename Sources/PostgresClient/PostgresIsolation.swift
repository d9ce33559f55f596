/// A transaction isolation level for ``PostgresConnection/begin(isolation:)``.
///
/// PostgreSQL's default is read committed; the Store asks for more where two workers could otherwise both
/// act on the same row, and then retries on ``PostgresError/isRetryable``.
public enum PostgresIsolation: Sendable, Hashable {
    /// Each statement sees the rows committed before it started.
    case readCommitted
    /// The whole transaction sees one snapshot; a conflicting update fails with a serialization failure.
    case repeatableRead
    /// As if the transactions ran one after another; conflicts fail with a serialization failure.
    case serializable

    /// The words after `ISOLATION LEVEL`.
    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}
