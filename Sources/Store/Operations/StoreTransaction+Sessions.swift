import Credentials
import Foundation
import GRDB

extension StoreTransaction {
    /// Stores a new session under the SHA-256 of `token` (the raw token only ever lives in the cookie);
    /// `subject` is the IdP's name for the user and `groups` the groups it sent, for a SAML session.
    public func createSession(
        accountID: Int64, userID: Int64, token: String, authMethod: SessionRecord.AuthMethod, createdAt: Date,
        expiresAt: Date, subject: SAMLSubject? = nil, groups: GroupList? = nil
    ) throws {
        try run(
            """
            INSERT INTO session (token_hash, account_id, user_id, auth_method, created_at, expires_at, name_id,
                name_id_format, name_qualifier, sp_name_qualifier, session_index, group_list)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                Data(Digests.sha256(Array(token.utf8))), accountID, userID, authMethod.rawValue,
                Int64(createdAt.timeIntervalSince1970), Int64(expiresAt.timeIntervalSince1970), subject?.nameID,
                subject?.format, subject?.nameQualifier, subject?.spNameQualifier, subject?.sessionIndex,
                groups?.encoded,
            ])
    }

    /// The user and session for a cookie token, if the session exists, has not expired and the user is enabled.
    public func session(accountID: Int64, token: String, now: Date = Date()) throws -> (User, SessionRecord)? {
        let row = try one(
            """
            SELECT u.id, u.account_id, u.email, u.given_name, u.family_name, u.role, u.password_hash, u.disabled,
                   u.created_at, s.auth_method, s.created_at, s.expires_at, s.name_id, s.group_list
            FROM session s JOIN "user" u ON u.id = s.user_id
            WHERE s.token_hash = ? AND s.account_id = ? AND s.expires_at > ? AND u.disabled = 0
            """,
            [Data(Digests.sha256(Array(token.utf8))), accountID, Int64(now.timeIntervalSince1970)])
        guard let row else { return nil }
        // The user's columns first (see `User.init(row:)`), then the session's five, read by position.
        let user = User(row: row)
        let session = SessionRecord(
            email: user.email, authMethod: SessionRecord.AuthMethod(rawValue: row[9]) ?? .password,
            createdAt: Date(timeIntervalSince1970: TimeInterval(row[10] as Int64)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(row[11] as Int64)), nameID: row[12],
            groups: (row[13] as String?).map(GroupList.init(encoded:)))
        return (user, session)
    }

    /// The account's unexpired sessions, newest first.
    public func sessions(accountID: Int64, now: Date = Date()) throws -> [SessionRecord] {
        try all(
            """
            SELECT u.email, s.auth_method, s.created_at, s.expires_at
            FROM session s JOIN "user" u ON u.id = s.user_id
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
        try endSession(accountID: accountID, token: token) != nil
    }

    /// Ends the session for `token` and returns what a Single Logout needs of it, or nil when there was none.
    public func endSession(accountID: Int64, token: String) throws -> EndedSession? {
        let row = try one(
            """
            DELETE FROM session WHERE token_hash = ? AND account_id = ?
            RETURNING user_id, auth_method, name_id, name_id_format, name_qualifier, sp_name_qualifier, session_index
            """,
            [Data(Digests.sha256(Array(token.utf8))), accountID])
        guard let row else { return nil }
        let email: String =
            try one("SELECT email FROM \"user\" WHERE id = ?", [row["user_id"] as Int64])?["email"] ?? ""
        let subject = (row["name_id"] as String?).map { nameID in
            SAMLSubject(
                nameID: nameID, format: row["name_id_format"], nameQualifier: row["name_qualifier"],
                spNameQualifier: row["sp_name_qualifier"], sessionIndex: row["session_index"])
        }
        return EndedSession(
            email: email, authMethod: SessionRecord.AuthMethod(rawValue: row["auth_method"]) ?? .password,
            subject: subject)
    }

    /// Ends the account's SAML sessions of the user the IdP calls `nameID` (with `format`, when both
    /// sides know one) — only those of `sessionIndexes` unless it is empty — and returns the emails of
    /// the sessions ended, one per session.
    public func endSessions(
        accountID: Int64, nameID: String, format: String?, sessionIndexes: [String]
    ) throws -> [String] {
        var sql = """
            DELETE FROM session WHERE account_id = ? AND auth_method = 'saml' AND name_id = ?
                AND (CAST(?3 AS TEXT) IS NULL OR name_id_format IS NULL OR name_id_format = ?3)
            """
        var arguments: [(any StoreBindable)?] = [accountID, nameID, format]
        if !sessionIndexes.isEmpty {
            sql +=
                " AND session_index IN (" + Array(repeating: "?", count: sessionIndexes.count).joined(separator: ", ")
                + ")"
            arguments += sessionIndexes.map { $0 }
        }
        let userIDs = try all(sql + " RETURNING user_id", StoreArguments(arguments)).map { $0["user_id"] as Int64 }
        return try userIDs.map { id in try one("SELECT email FROM \"user\" WHERE id = ?", [id])?["email"] ?? "" }
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
