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
