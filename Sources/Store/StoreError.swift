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
    case invalidEmail(String, reason: String)
    /// The account already has its one owner.
    case secondOwner(existing: String)
    /// The owner cannot be removed or disabled: every account keeps exactly one owner who can sign in.
    case ownerRequired(email: String)
    /// The account already has its one active SP key; a new key starts as `next` and is activated.
    case secondActiveSPKey
    /// The account already has an SP key with this certificate (its SHA-256 fingerprint).
    case duplicateSPKey(sha256: String)
    /// No SP key with this id in the account.
    case unknownSPKey(id: Int64)
    /// Only a `next` key can be activated: an active one already is, a retired one stays retired.
    case spKeyNotActivatable(id: Int64, state: SPKey.State)
    /// The active SP key signs the account's requests; removing it would leave the account unable to sign.
    case activeSPKeyNotRemovable
    /// `samlgate store copy` refuses a target that already holds rows (here in `table`).
    case targetNotEmpty(table: String)
    /// A save based on settings version `expected` found `found`: someone else saved in between.
    case settingsChanged(expected: Int64, found: Int64)
    /// The database stayed locked by another writer for longer than the busy timeout.
    case busy
    /// The database file cannot be written or opened: the disk is full, the file or its folder is
    /// read-only, an I/O error, a damaged file. Retrying helps only once an admin fixes the cause, so the
    /// responder answers 503 and logs ``description``; `detail` is SQLite's message and extended code.
    case unavailable(StorageFault, detail: String)
    /// Any other SQLite failure, with its message.
    case database(String)

    /// What keeps SQLite from using the database file, one case per thing an admin must fix.
    public enum StorageFault: String, Sendable, Equatable, CaseIterable {
        /// SQLITE_READONLY / SQLITE_PERM: the file, its `-wal`/`-shm` files, its folder or the file system is
        /// read-only.
        case readOnly = "read_only"
        /// SQLITE_FULL: the file system holding the database is full.
        case diskFull = "disk_full"
        /// SQLITE_IOERR / SQLITE_NOLFS: the operating system failed a read, write, sync or lock.
        case ioError = "io_error"
        /// SQLITE_CANTOPEN: the file (or its `-wal`/`-shm` files) cannot be opened or created.
        case cannotOpen = "cannot_open"
        /// SQLITE_CORRUPT / SQLITE_NOTADB: the file is damaged or not a database.
        case damaged
        /// PostgreSQL: the server cannot be reached, refused the connection, or is shutting down or restarting.
        case unreachable
    }

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
        case .invalidEmail(let email, let reason): "invalid email address '\(email)': \(reason)"
        case .secondOwner(let existing):
            "this account already has an owner (\(existing)); an account has exactly one owner"
        case .ownerRequired(let email):
            "\(email) is the account owner; the owner cannot be removed or disabled"
        case .secondActiveSPKey:
            "this account already has an active SP key; add the new key as next, then activate it"
        case .duplicateSPKey(let sha256): "this account already has an SP key with certificate SHA-256 \(sha256)"
        case .unknownSPKey(let id): "no SP key with id \(id) in this account"
        case .spKeyNotActivatable(let id, let state):
            "SP key \(id) is \(state.rawValue); only a next key can be activated"
        case .activeSPKeyNotRemovable: "the active SP key cannot be removed; activate another first"
        case .busy: "the database is locked by another process (busy timeout expired); try again"
        case .unavailable(let fault, let detail): "the database is unavailable: \(Self.advice(fault)) (\(detail))"
        case .targetNotEmpty(let table):
            "the target database is not empty (table \(table) has rows): copy only into a new database"
        case .settingsChanged(let expected, let found):
            "the settings changed (version \(expected) → \(found)) since they were read; read them again and retry"
        case .database(let message): "database error: \(message)"
        }
    }

    /// What is wrong and what to do, for the admin reading the log or the CLI's error line.
    static func advice(_ fault: StorageFault) -> String {
        switch fault {
        case .readOnly:
            "it is read-only for this process; make the database file, its -wal and -shm files and its folder "
                + "writable by the user samlgate runs as, on a file system mounted read-write"
        case .diskFull: "the disk holding it is full; free space and sign-ins resume without a restart"
        case .ioError: "the operating system reported an I/O error on it; check the disk and the kernel log"
        case .cannotOpen:
            "the file or its -wal/-shm files cannot be opened; check that they exist and that their folder is "
                + "accessible"
        case .damaged:
            "the file is damaged or not a samlgate database; check it with PRAGMA integrity_check or restore a backup"
        case .unreachable:
            "the PostgreSQL server cannot be reached or is restarting; samlgate reconnects by itself once it answers"
        }
    }
}
