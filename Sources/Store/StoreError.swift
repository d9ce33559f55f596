/// Why a store operation failed, phrased for the admin who ran the command.
///
/// Expected refusals (a duplicate slug, a second owner) have their own cases so callers can test for
/// them; anything unexpected from SQLite is carried as `.database` with SQLite's message.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No database file at the path and the caller did not ask to create one.
    case missingDatabase(path: String)
    /// The file exists but misses migrations this build needs (or has ones it does not know).
    case schemaOutOfDate(missing: [String], unknown: [String])
    /// An account with this slug already exists.
    case duplicateAccount(slug: String)
    /// No account with this slug.
    case unknownAccount(slug: String)
    /// The slug does not match `[a-z0-9][a-z0-9-]{0,62}`.
    case invalidSlug(String)
    /// The base URL is not an absolute http(s) origin plus optional path without trailing slash.
    case invalidBaseURL(String, reason: String)
    /// A user with this email (compared case-insensitively) already exists in the account.
    case duplicateUser(email: String)
    /// No user with this email in the account.
    case unknownUser(email: String)
    /// The email address is not plausible.
    case invalidEmail(String)
    /// The account already has its one owner.
    case secondOwner(existing: String)
    /// The owner cannot be removed or disabled: every account keeps exactly one owner who can sign in.
    case ownerRequired(email: String)
    /// The database stayed locked by another writer for longer than the busy timeout.
    case busy
    /// Any other SQLite failure, with its message.
    case database(String)

    /// One line an admin can act on.
    public var description: String {
        switch self {
        case .missingDatabase(let path):
            "no samlgate database at \(path) (create it with: samlgate init --db \(path))"
        case .schemaOutOfDate(let missing, let unknown):
            if unknown.isEmpty {
                "the database schema is out of date (missing migrations: \(missing.joined(separator: ", "))); run: samlgate init"
            } else {
                "the database was written by a newer samlgate (unknown migrations: \(unknown.joined(separator: ", ")))"
            }
        case .duplicateAccount(let slug): "an account with slug '\(slug)' already exists"
        case .unknownAccount(let slug): "no account with slug '\(slug)'"
        case .invalidSlug(let slug):
            "invalid account slug '\(slug)': use 1-63 lower-case letters, digits and '-', starting with a letter or digit"
        case .invalidBaseURL(let url, let reason): "invalid base URL '\(url)': \(reason)"
        case .duplicateUser(let email): "a user with email '\(email)' already exists in this account"
        case .unknownUser(let email): "no user with email '\(email)' in this account"
        case .invalidEmail(let email): "invalid email address '\(email)'"
        case .secondOwner(let existing): "this account already has an owner (\(existing)); an account has exactly one owner"
        case .ownerRequired(let email):
            "\(email) is the account owner; the owner cannot be removed or disabled"
        case .busy: "the database is locked by another process (busy timeout expired); try again"
        case .database(let message): "database error: \(message)"
        }
    }
}
