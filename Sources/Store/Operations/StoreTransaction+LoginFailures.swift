import Foundation
import GRDB

extension StoreTransaction {
    /// Records a failed password attempt for rate limiting.
    public func recordLoginFailure(accountID: Int64, email: String, now: Date = Date()) throws {
        try run( "INSERT INTO login_failure (account_id, email_key, time) VALUES (?, ?, ?)",
            [accountID, User.emailKey(email), Int64(now.timeIntervalSince1970)])
    }

    /// Failed password attempts for `email` since `since`.
    public func loginFailures(accountID: Int64, email: String, since: Date) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM login_failure WHERE account_id = ? AND email_key = ? AND time >= ?",
            arguments: [accountID, User.emailKey(email), Int64(since.timeIntervalSince1970)]) ?? 0
    }

    /// Forgets failed attempts after a successful sign-in.
    public func clearLoginFailures(accountID: Int64, email: String) throws {
        try run( "DELETE FROM login_failure WHERE account_id = ? AND email_key = ?",
            [accountID, User.emailKey(email)])
    }
}
