import Foundation
import GRDB

extension StoreTransaction {
    /// Records a password attempt for rate limiting, keyed by email and by the client's address.
    ///
    /// Written before the password is checked, in the same transaction that counted the earlier ones,
    /// so parallel attempts cannot all slip under the limit; a successful sign-in clears its own.
    public func recordLoginFailure(accountID: Int64, email: String, clientAddress: String, now: Date = Date()) throws {
        try run(
            "INSERT INTO login_failure (account_id, email_key, client_address, time) VALUES (?, ?, ?, ?)",
            [accountID, User.emailKey(email), clientAddress, Int64(now.timeIntervalSince1970)])
    }

    /// Makes this transaction the only one counting and recording attempts from `clientAddress` for the
    /// account until it ends, so parallel attempts cannot all count the same earlier failures and slip
    /// under the limit together. SQLite has one writer at a time already; on PostgreSQL, where READ
    /// COMMITTED transactions on several nodes would each count without seeing the others' inserts, it is
    /// a transaction-scoped advisory lock on the pair.
    public func lockLoginAttempts(accountID: Int64, clientAddress: String) throws {
        guard dialect == .postgresql else { return }
        try run(
            "SELECT pg_advisory_xact_lock(hashtextextended(?, 7301))", ["login_failure \(accountID) \(clientAddress)"])
    }

    /// Failed attempts for `email` from `clientAddress` since `since`.
    ///
    /// Per address, so a stranger guessing the owner's password elsewhere never locks the owner out.
    public func loginFailures(accountID: Int64, email: String, clientAddress: String, since: Date) throws -> Int {
        try one(
            """
            SELECT count(*) AS n FROM login_failure
            WHERE account_id = ? AND email_key = ? AND client_address = ? AND time >= ?
            """,
            [accountID, User.emailKey(email), clientAddress, Int64(since.timeIntervalSince1970)]
        )?["n"] ?? 0
    }

    /// Failed attempts from `clientAddress` since `since`, whatever email they named: one address
    /// spraying many emails is limited too.
    public func loginFailures(accountID: Int64, clientAddress: String, since: Date) throws -> Int {
        try one(
            "SELECT count(*) AS n FROM login_failure WHERE account_id = ? AND client_address = ? AND time >= ?",
            [accountID, clientAddress, Int64(since.timeIntervalSince1970)]
        )?["n"] ?? 0
    }

    /// Forgets the failed attempts of `email` from `clientAddress` after a successful sign-in.
    public func clearLoginFailures(accountID: Int64, email: String, clientAddress: String) throws {
        try run(
            "DELETE FROM login_failure WHERE account_id = ? AND email_key = ? AND client_address = ?",
            [accountID, User.emailKey(email), clientAddress])
    }
}
