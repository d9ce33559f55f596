/// Why a PostgreSQL operation failed; each case names what failed, and none carries a password.
///
/// Connection errors show the URL with its password replaced by `***`. Query errors keep the server's
/// SQLSTATE so the Store can tell an expected conflict (``isUniqueViolation``) from a fault, and a transaction
/// worth running again (``isRetryable``) from one that is not.
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not a `postgresql://` or `postgres://` URL.
    case badURL(url: String, reason: String)
    /// The server could not be reached or refused the session (libpq's reason).
    case connectionFailed(url: String, message: String)
    /// The session ended: the server closed it or restarted. Retryable after ``PostgresConnection/reset()``.
    case connectionLost(message: String)
    /// The server rejected a statement, with its five-character SQLSTATE and primary message.
    case queryFailed(sqlState: String, message: String)
    /// A parameter cannot be sent (its position counts from 1, as in `$1`).
    case invalidParameter(position: Int, reason: String)
    /// A result has no column of this name.
    case noSuchColumn(String)
    /// A column's value is not of the type asked for (the value itself is not repeated: it may be a secret).
    case unexpectedValue(column: String, expected: String)

    /// SQLSTATE of a duplicate key in a unique index or primary key.
    public static let uniqueViolationState = "23505"
    /// SQLSTATE of a serializable or repeatable-read transaction that lost a conflict.
    public static let serializationFailureState = "40001"
    /// SQLSTATE of a transaction the server cancelled to break a deadlock.
    public static let deadlockDetectedState = "40P01"

    /// The server's SQLSTATE for a rejected statement, `nil` for every other failure.
    public var sqlState: String? {
        guard case .queryFailed(let sqlState, _) = self else { return nil }
        return sqlState
    }

    /// The statement would have duplicated a unique key: usually an expected outcome, not a fault.
    public var isUniqueViolation: Bool { sqlState == Self.uniqueViolationState }

    /// The transaction lost a serialization conflict.
    public var isSerializationFailure: Bool { sqlState == Self.serializationFailureState }

    /// The server broke a deadlock by cancelling this transaction.
    public var isDeadlockDetected: Bool { sqlState == Self.deadlockDetectedState }

    /// Running the whole transaction again may succeed: a serialization failure, a deadlock, or a lost
    /// connection (after ``PostgresConnection/reset()``). The statement alone is never worth resending.
    public var isRetryable: Bool {
        isConnectionLost || isSerializationFailure || isDeadlockDetected
    }

    /// The session ended under the statement: whether the server applied it is unknown.
    public var isConnectionLost: Bool {
        if case .connectionLost = self { return true }
        return false
    }

    /// One sentence for the admin.
    public var description: String {
        switch self {
        case .badURL(let url, let reason): "'\(url)' is not a PostgreSQL URL: \(reason)"
        case .connectionFailed(let url, let message): "cannot connect to PostgreSQL at '\(url)': \(message)"
        case .connectionLost(let message): "the PostgreSQL connection was lost: \(message)"
        case .queryFailed(let sqlState, let message):
            "PostgreSQL rejected the statement (SQLSTATE \(sqlState)): \(message)"
        case .invalidParameter(let position, let reason): "parameter $\(position) cannot be sent: \(reason)"
        case .noSuchColumn(let name): "the result has no column '\(name)'"
        case .unexpectedValue(let column, let expected): "column '\(column)' does not hold \(expected)"
        }
    }
}
