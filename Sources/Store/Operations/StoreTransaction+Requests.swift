import Foundation
import GRDB

extension StoreTransaction {
    /// Remembers an AuthnRequest we sent, under its ID and the opaque RelayState token that names it.
    public func rememberRequest(
        accountID: Int64, requestID: String, relayToken: String, returnTo: String?, createdAt: Date, expiresAt: Date
    ) throws {
        try run(
            """
            INSERT INTO authn_request (request_id, account_id, relay_token, return_to, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                requestID, accountID, relayToken, returnTo, Int64(createdAt.timeIntervalSince1970),
                Int64(expiresAt.timeIntervalSince1970),
            ])
    }

    /// Marks the request `requestID` used and returns its stored return path, or nil when it is unknown,
    /// expired or already used. A single UPDATE makes the check-and-mark atomic.
    public func consumeRequest(accountID: Int64, requestID: String, now: Date = Date()) throws -> PendingRequest? {
        let row = try one(
            """
            UPDATE authn_request SET used_at = ?
            WHERE request_id = ? AND account_id = ? AND used_at IS NULL AND expires_at > ?
            RETURNING request_id, relay_token, return_to
            """,
            [Int64(now.timeIntervalSince1970), requestID, accountID, Int64(now.timeIntervalSince1970)])
        return row.map {
            PendingRequest(requestID: $0["request_id"], relayToken: $0["relay_token"], returnTo: $0["return_to"])
        }
    }

    /// The unused, unexpired request a RelayState token names, without consuming it.
    public func pendingRequest(accountID: Int64, relayToken: String, now: Date = Date()) throws -> PendingRequest? {
        try one(
            """
            SELECT request_id, relay_token, return_to FROM authn_request
            WHERE relay_token = ? AND account_id = ? AND used_at IS NULL AND expires_at > ?
            """,
            [relayToken, accountID, Int64(now.timeIntervalSince1970)]
        ).map { PendingRequest(requestID: $0["request_id"], relayToken: $0["relay_token"], returnTo: $0["return_to"]) }
    }

    /// Records an Assertion ID; returns false when it was already seen (a replay). The primary key
    /// makes this atomic across threads and processes: of two concurrent posts, one insert wins.
    public func recordAssertion(accountID: Int64, assertionID: String, keepUntil: Date) throws -> Bool {
        try run(
            "INSERT INTO replay_cache (account_id, assertion_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [accountID, assertionID, Int64(keepUntil.timeIntervalSince1970)])
        return changes == 1
    }

    /// Remembers a LogoutRequest we sent for `email`, until the IdP answers it or `expiresAt`.
    public func rememberLogoutRequest(
        accountID: Int64, requestID: String, email: String, createdAt: Date, expiresAt: Date
    ) throws {
        try run(
            """
            INSERT INTO logout_request (request_id, account_id, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
            """,
            [
                requestID, accountID, email, Int64(createdAt.timeIntervalSince1970),
                Int64(expiresAt.timeIntervalSince1970),
            ])
    }

    /// Removes our LogoutRequest `requestID` and returns the email it was sent for, or nil when it is
    /// unknown, expired or already answered: one DELETE, so a response is matched at most once.
    public func consumeLogoutRequest(accountID: Int64, requestID: String, now: Date = Date()) throws -> String? {
        try one(
            """
            DELETE FROM logout_request WHERE request_id = ? AND account_id = ? AND expires_at > ? RETURNING email
            """,
            [requestID, accountID, Int64(now.timeIntervalSince1970)]
        )?["email"]
    }

    /// Records a LogoutRequest ID from the IdP, in the replay cache beside Assertion IDs; false when it
    /// was seen already. The key's `LogoutRequest:` prefix cannot be an Assertion ID (an NCName has no
    /// colon), so the two never collide.
    public func recordLogoutRequest(accountID: Int64, requestID: String, keepUntil: Date) throws -> Bool {
        try recordAssertion(accountID: accountID, assertionID: "LogoutRequest:" + requestID, keepUntil: keepUntil)
    }

    /// Deletes expired sessions, requests, replay entries and old rate-limit rows — at most `limit` rows
    /// of each table (all when nil), oldest expiry first, so a caller inside a request bounds what it pays.
    ///
    /// Returns the rows deleted and whether nothing expired is left (no table reached the limit).
    @discardableResult
    public func pruneExpired(now: Date = Date(), limit: Int? = nil) throws -> (deleted: Int, complete: Bool) {
        // No limit is the largest one: PostgreSQL refuses SQLite's LIMIT -1.
        let arguments: StoreArguments = [Int64(now.timeIntervalSince1970), limit.map { Int64($0) } ?? Int64.max]
        // login_failure has no key of its own: SQLite's rowid, PostgreSQL's identity column.
        let failureKey = dialect == .sqlite ? "rowid" : "id"
        var deleted = 0
        var complete = true
        for sql in [
            """
            DELETE FROM session WHERE token_hash IN
                (SELECT token_hash FROM session WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)
            """,
            """
            DELETE FROM authn_request WHERE request_id IN
                (SELECT request_id FROM authn_request WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)
            """,
            """
            DELETE FROM logout_request WHERE request_id IN
                (SELECT request_id FROM logout_request WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)
            """,
            """
            DELETE FROM replay_cache WHERE (account_id, assertion_id) IN
                (SELECT account_id, assertion_id FROM replay_cache WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)
            """,
            """
            DELETE FROM login_failure WHERE \(failureKey) IN
                (SELECT \(failureKey) FROM login_failure WHERE time <= ?1 - 86400 ORDER BY time LIMIT ?2)
            """,
            // Each account's own retention; the (account_id, time) index makes it a range per account.
            """
            DELETE FROM signin_log WHERE id IN
                (SELECT l.id FROM saml_settings s JOIN signin_log l
                    ON l.account_id = s.account_id AND l.time <= ?1 - s.log_retention LIMIT ?2)
            """,
        ] {
            try run(sql, arguments)
            deleted += changes
            if let limit, changes >= limit { complete = false }
        }
        return (deleted, complete)
    }
}
