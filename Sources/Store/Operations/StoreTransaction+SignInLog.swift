import Foundation
import GRDB

extension StoreTransaction {
    /// Appends one attempt to the account's sign-in log, each text field bounded
    /// (``SignInLogEntry/fieldLimit``).
    public func appendLog(accountID: Int64, _ entry: SignInLogEntry) throws {
        let bounded = SignInLogEntry.bounded
        try run(
            """
            INSERT INTO signin_log (account_id, time, outcome, method, email, identity_verified, reason, reference,
                failed_check, expected, actual, clock_offset, client_address, event)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                accountID, Int64(entry.time.timeIntervalSince1970), entry.outcome.rawValue, entry.method.rawValue,
                bounded(entry.email), entry.identityVerified, bounded(entry.reason), bounded(entry.reference),
                bounded(entry.failedCheck), bounded(entry.expected), bounded(entry.actual), entry.clockOffset,
                bounded(entry.clientAddress), entry.event.rawValue,
            ])
        guard entry.event == .signIn else { return }
        // One of several rows per count on PostgreSQL, so concurrent sign-ins of an account seldom wait for
        // each other's commit on the same row; SQLite writes one at a time and keeps one row.
        let shard = dialect == .postgresql ? Int64.random(in: 0..<Self.counterShards) : 0
        try run(
            """
            INSERT INTO signin_counter (account_id, method, outcome, check_name, shard, count) VALUES (?, ?, ?, ?, ?, 1)
            ON CONFLICT (account_id, method, outcome, check_name, shard) DO UPDATE SET count = signin_counter.count + 1
            """,
            [accountID, entry.method.rawValue, entry.outcome.rawValue, bounded(entry.failedCheck) ?? "", shard])
    }

    /// How many rows one sign-in count is spread over on PostgreSQL.
    static let counterShards: Int64 = 8

    /// Every account's sign-in counts by method, outcome and failed check (`""` for accepted sign-ins), for
    /// the metrics: kept in the store, they count every process's and node's sign-ins, never decrease and
    /// outlive the log's retention.
    public func signInCounts() throws -> [SignInCount] {
        try all(
            """
            SELECT a.slug, c.method, c.outcome, c.check_name, CAST(sum(c.count) AS BIGINT) AS count FROM signin_counter c
            JOIN account a ON a.id = c.account_id GROUP BY a.slug, c.method, c.outcome, c.check_name
            ORDER BY a.slug, c.method, c.outcome, c.check_name
            """
        ).map {
            SignInCount(
                account: $0["slug"], method: $0["method"], outcome: $0["outcome"], check: $0["check_name"],
                count: $0["count"])
        }
    }

    /// The newest `limit` log entries (only rejections when `failuresOnly`), newest first.
    public func log(accountID: Int64, failuresOnly: Bool = false, limit: Int = 50) throws -> [SignInLogEntry] {
        try all(
            """
            SELECT * FROM signin_log WHERE account_id = ? \(failuresOnly ? "AND outcome = 'rejected'" : "")
            ORDER BY time DESC, id DESC LIMIT ?
            """,
            [accountID, limit]
        ).map { row in
            SignInLogEntry(
                time: Date(timeIntervalSince1970: TimeInterval(row["time"] as Int64)),
                outcome: SignInLogEntry.Outcome(rawValue: row["outcome"]) ?? .rejected,
                method: SessionRecord.AuthMethod(rawValue: row["method"]) ?? .saml, email: row["email"],
                identityVerified: row["identity_verified"], reason: row["reason"], reference: row["reference"],
                failedCheck: row["failed_check"],
                expected: row["expected"], actual: row["actual"], clockOffset: row["clock_offset"],
                clientAddress: row["client_address"], event: SignInLogEntry.Event(rawValue: row["event"]) ?? .signIn)
        }
    }
}
