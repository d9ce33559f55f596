import Foundation
import GRDB

extension StoreTransaction {
    /// Unexpired sessions per account slug (accounts without one are absent).
    public func activeSessionCounts(now: Date) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try all(
            """
            SELECT a.slug, count(*) AS n FROM session s JOIN account a ON a.id = s.account_id
            WHERE s.expires_at > ? GROUP BY a.slug
            """,
            [Int64(now.timeIntervalSince1970)])
        {
            counts[row["slug"]] = row["n"]
        }
        return counts
    }

    /// Every IdP certificate and SP key certificate with its account and expiry, for the expiry gauges.
    public func credentialExpiries() throws -> [CredentialExpiry] {
        let idp = try all(
            """
            SELECT a.slug, c.sha256, c.not_after, c.origin FROM idp_certificate c JOIN account a ON a.id = c.account_id
            ORDER BY a.slug, c.position
            """
        ).map { row in
            CredentialExpiry(
                account: row["slug"], kind: .idpCertificate, sha256: row["sha256"],
                notAfter: Date(timeIntervalSince1970: TimeInterval(row["not_after"] as Int64)), detail: row["origin"])
        }
        let sp = try all(
            "SELECT a.slug, k.sha256, k.not_after, k.state FROM sp_key k JOIN account a ON a.id = k.account_id ORDER BY a.slug, k.id"
        ).map { row in
            CredentialExpiry(
                account: row["slug"], kind: .spKey, sha256: row["sha256"],
                notAfter: Date(timeIntervalSince1970: TimeInterval(row["not_after"] as Int64)), detail: row["state"])
        }
        return idp + sp
    }

    /// Every account's metadata refresh state, by slug (accounts without a metadata URL are absent).
    public func metadataRefreshStates() throws -> [String: MetadataRefreshState] {
        var states: [String: MetadataRefreshState] = [:]
        for row in try all("SELECT a.slug, r.account_id FROM metadata_refresh r JOIN account a ON a.id = r.account_id")
        {
            states[row["slug"]] = try metadataRefreshState(accountID: row["account_id"])
        }
        return states
    }

    /// Answers when the database can be read: the health check's one query.
    public func ping() throws {
        _ = try one("SELECT 1")
    }
}
