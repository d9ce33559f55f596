import Credentials
import Foundation
import GRDB

extension StoreTransaction {
    /// Adds a user; refuses a duplicate email (any case) and a second owner.
    @discardableResult
    public func addUser(
        accountID: Int64, email: String, role: Role, givenName: String? = nil, familyName: String? = nil,
        passwordHash: String? = nil, now: Date = Date()
    ) throws -> User {
        let trimmed: String
        do {
            trimmed = try Identity.normalized(email)
        } catch {
            throw StoreError.invalidEmail(email, reason: "\(error)")
        }
        guard Self.isPlausibleEmail(trimmed) else {
            throw StoreError.invalidEmail(email, reason: "it needs one @ with text on each side, at most 320 bytes")
        }
        if try user(accountID: accountID, email: trimmed) != nil {
            throw StoreError.duplicateUser(email: trimmed)
        }
        if role == .owner, let owner = try owner(accountID: accountID) {
            throw StoreError.secondOwner(existing: owner.email)
        }
        try run(
            """
            INSERT INTO "user" (account_id, email, email_key, given_name, family_name, role, password_hash, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                accountID, trimmed, User.emailKey(trimmed), givenName, familyName, role.rawValue, passwordHash,
                Int64(now.timeIntervalSince1970),
            ])
        guard let user = try user(accountID: accountID, email: trimmed) else {
            throw StoreError.database("user vanished after insert")
        }
        return user
    }

    /// The account's users, by email.
    public func users(accountID: Int64) throws -> [User] {
        try all("\(Self.userColumns) WHERE account_id = ? ORDER BY email_key", [accountID])
            .map(User.init(row:))
    }

    /// The user with `email` (compared case-insensitively), or nil.
    public func user(accountID: Int64, email: String) throws -> User? {
        try one(
            "\(Self.userColumns) WHERE account_id = ? AND email_key = ?",
            [accountID, User.emailKey(email)]
        ).map(User.init(row:))
    }

    /// The user with `email`, or ``StoreError/unknownUser(email:)``.
    public func requireUser(accountID: Int64, email: String) throws -> User {
        guard let user = try user(accountID: accountID, email: email) else {
            throw StoreError.unknownUser(email: email)
        }
        return user
    }

    /// The account's owner, if one exists yet.
    public func owner(accountID: Int64) throws -> User? {
        try one("\(Self.userColumns) WHERE account_id = ? AND role = 'owner'", [accountID])
            .map(User.init(row:))
    }

    /// Sets (or, with nil, clears) a user's password hash.
    public func setPasswordHash(accountID: Int64, email: String, passwordHash: String?) throws {
        let user = try requireUser(accountID: accountID, email: email)
        try run("UPDATE \"user\" SET password_hash = ? WHERE id = ?", [passwordHash, user.id])
    }

    /// Disables or re-enables a user; the owner cannot be disabled. Disabling ends the user's sessions, and
    /// so does re-enabling a disabled user: a sign-in on another node can commit its session just after the
    /// disable deleted the others (PostgreSQL, READ COMMITTED). Such a session is refused while the user is
    /// disabled (``session(accountID:token:now:)`` checks), and must not come back with the user.
    public func setDisabled(accountID: Int64, email: String, disabled: Bool) throws {
        let user = try requireUser(accountID: accountID, email: email)
        if disabled, user.role == .owner { throw StoreError.ownerRequired(email: user.email) }
        try run("UPDATE \"user\" SET disabled = ? WHERE id = ?", [disabled, user.id])
        if disabled || user.disabled {
            try run("DELETE FROM session WHERE user_id = ?", [user.id])
        }
    }

    /// Removes a user and their sessions. The owner cannot be removed.
    public func removeUser(accountID: Int64, email: String) throws {
        let user = try requireUser(accountID: accountID, email: email)
        if user.role == .owner { throw StoreError.ownerRequired(email: user.email) }
        try run("DELETE FROM \"user\" WHERE id = ?", [user.id])
    }

    /// Makes a user `admin` or `user`, as an account's admin groups decide at each SAML sign-in. The owner's
    /// role never changes this way (the statement skips the owner's row), and no one becomes owner.
    public func setRole(userID: Int64, role: Role) throws {
        precondition(role != .owner, "the owner is made by `user add --role owner` only")
        try run("UPDATE \"user\" SET role = ? WHERE id = ? AND role <> 'owner'", [role.rawValue, userID])
    }

    /// Updates the names sent by the IdP; nil leaves a name as it is.
    ///
    /// Names that are already stored write nothing: SQLite rewrites a row set to the values it has,
    /// and every SAML sign-in carries the names, so most sign-ins would add the user's page to the WAL.
    public func updateNames(userID: Int64, givenName: String?, familyName: String?) throws {
        try run(
            """
            UPDATE "user" SET given_name = coalesce(?1, given_name), family_name = coalesce(?2, family_name)
            WHERE id = ?3
              AND (given_name IS DISTINCT FROM coalesce(?1, given_name) OR family_name IS DISTINCT FROM coalesce(?2, family_name))
            """,
            [givenName, familyName, userID])
    }

    private static let userColumns = "SELECT \(User.columns.joined(separator: ", ")) FROM \"user\""

    /// One `@` with something on each side, of a sane length, on an identity that ``Identity/normalized(_:)``
    /// accepted (no white space, no control characters): enough to catch typos without rejecting the
    /// odd addresses IdPs send.
    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && email.utf8.count <= 320
    }
}

extension User {
    /// The user's columns, in the order every query that reads users selects them first.
    static let columns = [
        "id", "account_id", "email", "given_name", "family_name", "role", "password_hash", "disabled", "created_at",
    ]

    /// Reads the user from the row's first ``columns`` (checked in debug builds, so in every test).
    ///
    /// By position: GRDB finds a column by name by lower-casing and hashing the name, and this runs
    /// nine times in the check made before every protected request.
    init(row: StoreRow) {
        assert(Array(row.columnNames.prefix(Self.columns.count)) == Self.columns, "\(row.columnNames)")
        self.init(
            id: row[0], accountID: row[1], email: row[2], givenName: row[3], familyName: row[4],
            role: Role(rawValue: row[5]) ?? .user, passwordHash: row[6], disabled: row[7],
            createdAt: Date(timeIntervalSince1970: TimeInterval(row[8] as Int64)))
    }
}
