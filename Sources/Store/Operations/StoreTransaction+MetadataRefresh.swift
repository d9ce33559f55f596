import Foundation
import GRDB

extension StoreTransaction {
    /// The account's metadata refresh state, or nil when it has no metadata URL.
    public func metadataRefreshState(accountID: Int64) throws -> MetadataRefreshState? {
        try one("SELECT * FROM metadata_refresh WHERE account_id = ?", [accountID]).map { row in
            MetadataRefreshState(
                nextFetchAt: Date(timeIntervalSince1970: TimeInterval(row["next_fetch_at"] as Int64)),
                lastAttemptAt: Self.date(row["last_attempt_at"]),
                lastSuccessAt: Self.date(row["last_success_at"]), lastError: row["last_error"],
                failingSince: Self.date(row["failing_since"]), failures: row["failures"],
                failuresTotal: row["failures_total"], documentSHA256: row["document_sha256"])
        }
    }

    /// When each certificate that came from the metadata URL was last seen in a fetched document.
    public func metadataCertificatesLastSeen(accountID: Int64) throws -> [String: Date] {
        var seen: [String: Date] = [:]
        for row in try all(
            "SELECT sha256, last_seen_at FROM idp_certificate WHERE account_id = ? AND origin = 'metadata'",
            [accountID])
        {
            seen[row["sha256"]] = Self.date(row["last_seen_at"])
        }
        return seen
    }

    /// Records that the certificates `sha256s` were in the document fetched at `now`: no settings
    /// change (the version stays, so no cache reloads), only the start of their grace period moves.
    public func markMetadataCertificatesSeen(accountID: Int64, sha256s: [String], now: Date) throws {
        for sha256 in sha256s {
            try run(
                "UPDATE idp_certificate SET last_seen_at = ? WHERE account_id = ? AND sha256 = ? AND origin = 'metadata'",
                [Int64(now.timeIntervalSince1970), accountID, sha256])
        }
    }

    /// The slugs of the accounts whose metadata refresh is due at `now` and not leased by a fetcher.
    public func dueMetadataRefreshes(now: Date) throws -> [String] {
        try all(
            """
            SELECT a.slug FROM metadata_refresh r JOIN account a ON a.id = r.account_id
            WHERE r.next_fetch_at <= ? AND (r.lease_until IS NULL OR r.lease_until <= ?) ORDER BY r.next_fetch_at
            """,
            [Int64(now.timeIntervalSince1970), Int64(now.timeIntervalSince1970)]
        ).map { $0["slug"] }
    }

    /// Takes the account's refresh lease for `owner` until `until`, when the refresh is due (or `force`)
    /// and no other fetcher holds an unexpired lease; true when this caller got it.
    ///
    /// One conditional UPDATE in the caller's write transaction: the write lock orders fetchers of every
    /// process sharing the store, and the second finds the lease taken (or the next fetch moved on).
    public func takeMetadataLease(accountID: Int64, owner: String, now: Date, until: Date, force: Bool = false)
        throws -> Bool
    {
        let nowSeconds = Int64(now.timeIntervalSince1970)
        try run(
            "INSERT INTO metadata_refresh (account_id, next_fetch_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [accountID, nowSeconds])
        try run(
            """
            UPDATE metadata_refresh SET lease_owner = ?, lease_until = ?
            WHERE account_id = ? AND (? = 1 OR (next_fetch_at <= ? AND (lease_until IS NULL OR lease_until <= ?)))
            """,
            [owner, Int64(until.timeIntervalSince1970), accountID, force, nowSeconds, nowSeconds])
        return changes == 1
    }

    /// Records a refresh attempt at `now`: its error (nil: the document was applied, with `documentSHA256`),
    /// the next fetch time, and releases the lease.
    public func recordMetadataRefresh(
        accountID: Int64, now: Date, error: String?, nextFetchAt: Date, documentSHA256: String? = nil
    ) throws {
        let nowSeconds = Int64(now.timeIntervalSince1970)
        let next = Int64(nextFetchAt.timeIntervalSince1970)
        if let error {
            try run(
                """
                UPDATE metadata_refresh SET last_attempt_at = ?, last_error = ?, failing_since = coalesce(failing_since, ?),
                    failures = failures + 1, failures_total = failures_total + 1, next_fetch_at = ?,
                    lease_owner = NULL, lease_until = NULL
                WHERE account_id = ?
                """,
                [nowSeconds, SignInLogEntry.bounded(error), nowSeconds, next, accountID])
        } else {
            try run(
                """
                UPDATE metadata_refresh SET last_attempt_at = ?, last_success_at = ?, last_error = NULL,
                    failing_since = NULL, failures = 0, document_sha256 = ?, next_fetch_at = ?,
                    lease_owner = NULL, lease_until = NULL
                WHERE account_id = ?
                """,
                [nowSeconds, nowSeconds, documentSHA256, next, accountID])
        }
    }

    static func date(_ seconds: Int64?) -> Date? {
        seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
