import Credentials
import Foundation
import GRDB

extension StoreTransaction {
    /// Stores a new session under the SHA-256 of `token` (the raw token only ever lives in the cookie).
    public func createSession(
        accountID: Int64, userID: Int64, token: String, authMethod: SessionRecord.AuthMethod, createdAt: Date,
        expiresAt: Date, nameID: String? = nil, sessionIndex: String? = nil
    ) throws {
        try run(
            """
            INSERT INTO session (token_hash, account_id, user_id, auth_method, created_at, expires_at, name_id, session_index)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                Data(Digests.sha256(Array(token.utf8))), accountID, userID, authMethod.rawValue,
                Int64(createdAt.timeIntervalSince1970), Int64(expiresAt.timeIntervalSince1970), nameID, sessionIndex,
            ])
    }

    /// The user and session for a cookie token, if the session exists, has not expired and the user is enabled.
    public func session(accountID: Int64, token: String, now: Date = Date()) throws -> (User, SessionRecord)? {
        let row = try one(
            """
            SELECT u.id, u.account_id, u.email, u.given_name, u.family_name, u.role, u.password_hash, u.disabled,
                   u.created_at, s.auth_method, s.created_at, s.expires_at
            FROM session s JOIN user u ON u.id = s.user_id
            WHERE s.token_hash = ? AND s.account_id = ? AND s.expires_at > ? AND u.disabled = 0
            """,
            [Data(Digests.sha256(Array(token.utf8))), accountID, Int64(now.timeIntervalSince1970)])
        guard let row else { return nil }
        // The user's columns first (see `User.init(row:)`), then the session's three, read by position.
        let user = User(row: row)
        let session = SessionRecord(
            email: user.email, authMethod: SessionRecord.AuthMethod(rawValue: row[9]) ?? .password,
            createdAt: Date(timeIntervalSince1970: TimeInterval(row[10] as Int64)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(row[11] as Int64)))
        return (user, session)
    }

    /// The account's unexpired sessions, newest first.
    public func sessions(accountID: Int64, now: Date = Date()) throws -> [SessionRecord] {
        try all(
            """
            SELECT u.email, s.auth_method, s.created_at, s.expires_at
            FROM session s JOIN user u ON u.id = s.user_id
            WHERE s.account_id = ? AND s.expires_at > ? ORDER BY s.created_at DESC, u.email_key
            """,
            [accountID, Int64(now.timeIntervalSince1970)]
        ).map { row in
            SessionRecord(
                email: row["email"], authMethod: SessionRecord.AuthMethod(rawValue: row["auth_method"]) ?? .password,
                createdAt: Date(timeIntervalSince1970: TimeInterval(row["created_at"] as Int64)),
                expiresAt: Date(timeIntervalSince1970: TimeInterval(row["expires_at"] as Int64)))
        }
    }

    /// Ends the session for `token` (sign-out). Returns whether one existed.
    @discardableResult
    public func deleteSession(accountID: Int64, token: String) throws -> Bool {
        try run(
            "DELETE FROM session WHERE token_hash = ? AND account_id = ?",
            [Data(Digests.sha256(Array(token.utf8))), accountID])
        return changes > 0
    }

    /// Ends every session of one user (by email) or, with nil, of the whole account. Returns how many ended.
    @discardableResult
    public func revokeSessions(accountID: Int64, email: String?) throws -> Int {
        if let email {
            let user = try requireUser(accountID: accountID, email: email)
            try run("DELETE FROM session WHERE user_id = ?", [user.id])
        } else {
            try run("DELETE FROM session WHERE account_id = ?", [accountID])
        }
        return changes
    }
}
