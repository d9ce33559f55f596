import Credentials
import Foundation
import GRDB

extension StoreTransaction {
    /// ``samlSettings(accountID:)`` for a transaction that will change them: the settings row is held until
    /// the transaction ends, so no other save (another node, the CLI, a metadata refresh) commits between
    /// this read and the write built on it. SQLite's write transaction excludes every other writer already.
    public func lockedSAMLSettings(accountID: Int64) throws -> SAMLSettings {
        try lockSettingsRow(accountID: accountID)
        return try samlSettings(accountID: accountID)
    }

    /// Holds the account's settings row until the transaction ends (PostgreSQL; SQLite's write transaction
    /// excludes every other writer already): what orders saves, metadata refreshes and SP key changes of one
    /// account, whichever node makes them.
    func lockSettingsRow(accountID: Int64) throws {
        guard dialect == .postgresql else { return }
        _ = try one("SELECT account_id FROM saml_settings WHERE account_id = ? FOR UPDATE", [accountID])
    }

    /// The account's SAML settings with its certificates in the order they were given.
    public func samlSettings(accountID: Int64) throws -> SAMLSettings {
        guard let row = try one("SELECT * FROM saml_settings WHERE account_id = ?", [accountID])
        else { throw StoreError.database("account \(accountID) has no SAML settings row") }
        var settings = SAMLSettings()
        settings.enabled = row["enabled"]
        settings.ssoURL = row["sso_url"]
        settings.idpEntityID = row["idp_entity_id"]
        settings.forceSAML = row["force_saml"]
        settings.allowSHA1 = row["allow_sha1"]
        settings.allowIdPInitiated = row["allow_idp_initiated"]
        settings.clockSkew = row["clock_skew"]
        settings.sessionLifetime = row["session_lifetime"]
        settings.logRetention = row["log_retention"]
        settings.signRequests = row["sign_requests"]
        settings.requireEncryption = row["require_encryption"]
        settings.requestBinding = try Self.binding(row, "request_binding", accountID: accountID)
        settings.sloURL = row["slo_url"]
        settings.sloResponseURL = row["slo_response_url"]
        settings.sloBinding = try Self.binding(row, "slo_binding", accountID: accountID)
        let cookies: String = row["app_logout_cookies"]
        settings.appLogoutCookies = cookies.split(separator: ",").map(String.init)
        settings.idpMetadataURL = row["idp_metadata_url"]
        settings.metadataRefresh = row["metadata_refresh"]
        settings.metadataCertGrace = row["metadata_cert_grace"]
        settings.emailDomains = GroupList(encoded: row["email_domains"]).names
        settings.groupAttribute = row["group_attribute"]
        settings.requiredGroups = GroupList(encoded: row["required_groups"]).names
        settings.adminGroups = GroupList(encoded: row["admin_groups"]).names
        if let der = row["metadata_signing_cert"] as Data? {
            do {
                settings.metadataSigningCertificate = try Certificate(der: [UInt8](der))
            } catch {
                throw StoreError.database("account \(accountID) has an unreadable metadata signing certificate")
            }
        }
        let rows = try all(
            """
            SELECT der, subject, sha256, not_after, origin FROM idp_certificate WHERE account_id = ? ORDER BY position
            """,
            [accountID])
        settings.certificates = rows.map { row in
            Certificate(
                der: [UInt8](row["der"] as Data), subject: row["subject"], sha256: row["sha256"],
                notAfter: Date(timeIntervalSince1970: TimeInterval(row["not_after"] as Int64)))
        }
        settings.metadataCertificates = Set(rows.filter { $0["origin"] == "metadata" }.map { $0["sha256"] })
        return settings
    }

    /// The binding stored in `column`; a value this build does not know is an error naming it.
    private static func binding(_ row: StoreRow, _ column: String, accountID: Int64) throws
        -> SAMLSettings.RequestBinding
    {
        let value: String = row[column]
        guard let binding = SAMLSettings.RequestBinding(rawValue: value) else {
            throw StoreError.database("account \(accountID) has an unknown \(column) '\(value)'")
        }
        return binding
    }

    /// The account with `slug` and its settings version (bumped by every save), or nil: one indexed read,
    /// cheap enough for every request, so cached settings are never stale.
    public func accountVersion(slug: String) throws -> (Account, Int64)? {
        try one(Self.versionSQL, [slug]).map { (Account(row: $0), $0["version"]) }
    }

    /// ``accountVersion(slug:)`` inside a write transaction, holding the settings row so that no save commits
    /// before this transaction does: what a request that validated with cached settings confirms before it
    /// writes. (SQLite's write transaction already excludes every other writer; PostgreSQL's row lock does it
    /// for the one row that matters, under READ COMMITTED.)
    public func lockedAccountVersion(slug: String) throws -> (Account, Int64)? {
        try one(dialect == .postgresql ? Self.lockedVersionSQL : Self.versionSQL, [slug]).map {
            (Account(row: $0), $0["version"])
        }
    }

    /// The account and settings version by slug; built once, not per post-back.
    private static let versionSQL = """
        SELECT a.id, a.slug, a.name, a.base_url, s.version FROM account a
        JOIN saml_settings s ON s.account_id = a.id WHERE a.slug = ?
        """
    private static let lockedVersionSQL = versionSQL + " FOR SHARE OF s"

    /// What a save reads before it writes.
    private static let currentSQL = "SELECT idp_metadata_url, version FROM saml_settings WHERE account_id = ?"
    private static let lockedCurrentSQL = currentSQL + " FOR UPDATE"

    /// Replaces the account's SAML settings and certificate list with `settings`.
    ///
    /// Callers validate first (see the Admin module); running inside ``Store/write(_:)`` makes the
    /// whole save one transaction. With `expectedVersion` (a form built on that version), a save that finds
    /// another version throws ``StoreError/settingsChanged(expected:found:)`` and writes nothing, so an old
    /// page cannot undo a change made since. The settings row is held from the first read (see
    /// ``lockedSAMLSettings(accountID:)``).
    public func saveSAMLSettings(
        accountID: Int64, _ settings: SAMLSettings, now: Date = Date(), expectedVersion: Int64? = nil
    ) throws {
        guard let current = try one(dialect == .postgresql ? Self.lockedCurrentSQL : Self.currentSQL, [accountID])
        else { throw StoreError.database("account \(accountID) has no SAML settings row") }
        let found: Int64 = current["version"]
        if let expectedVersion, found != expectedVersion {
            throw StoreError.settingsChanged(expected: expectedVersion, found: found)
        }
        let previousURL: String? = current["idp_metadata_url"]
        try run(
            """
            UPDATE saml_settings SET enabled = ?, sso_url = ?, idp_entity_id = ?, force_saml = ?, allow_sha1 = ?,
                allow_idp_initiated = ?, clock_skew = ?, session_lifetime = ?, log_retention = ?, sign_requests = ?,
                require_encryption = ?, request_binding = ?, slo_url = ?, slo_response_url = ?, slo_binding = ?,
                app_logout_cookies = ?, idp_metadata_url = ?, metadata_signing_cert = ?, metadata_refresh = ?,
                metadata_cert_grace = ?, email_domains = ?, group_attribute = ?, required_groups = ?,
                admin_groups = ?, updated_at = ?, version = version + 1
            WHERE account_id = ?
            """,
            [
                settings.enabled, settings.ssoURL, settings.idpEntityID, settings.forceSAML, settings.allowSHA1,
                settings.allowIdPInitiated, settings.clockSkew, settings.sessionLifetime, settings.logRetention,
                settings.signRequests, settings.requireEncryption, settings.requestBinding.rawValue, settings.sloURL,
                settings.sloResponseURL, settings.sloBinding.rawValue, settings.appLogoutCookies.joined(separator: ","),
                settings.idpMetadataURL, settings.metadataSigningCertificate.map { Data($0.der) },
                settings.metadataRefresh, settings.metadataCertGrace, GroupList(settings.emailDomains).encoded,
                settings.groupAttribute, GroupList(settings.requiredGroups).encoded,
                GroupList(settings.adminGroups).encoded, Int64(now.timeIntervalSince1970), accountID,
            ])
        guard changes == 1 else { throw StoreError.database("account \(accountID) has no SAML settings row") }
        // A metadata certificate keeps the time it was last seen; a new one is seen now.
        let lastSeen = try metadataCertificatesLastSeen(accountID: accountID)
        try run("DELETE FROM idp_certificate WHERE account_id = ?", [accountID])
        var seen = Set<String>()
        for (position, certificate) in settings.certificates.enumerated() where seen.insert(certificate.sha256).inserted
        {
            let fromMetadata = settings.metadataCertificates.contains(certificate.sha256)
            try run(
                """
                INSERT INTO idp_certificate (account_id, position, der, subject, sha256, not_after, origin, last_seen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    accountID, position, Data(certificate.der), certificate.subject, certificate.sha256,
                    Int64(certificate.notAfter.timeIntervalSince1970), fromMetadata ? "metadata" : "uploaded",
                    fromMetadata ? Int64((lastSeen[certificate.sha256] ?? now).timeIntervalSince1970) : nil,
                ])
        }
        // A new URL starts a new refresh history (its failure count is that URL's).
        if settings.idpMetadataURL == nil || settings.idpMetadataURL != previousURL {
            try run("DELETE FROM metadata_refresh WHERE account_id = ?", [accountID])
        }
        if settings.idpMetadataURL != nil {
            try run(
                "INSERT INTO metadata_refresh (account_id, next_fetch_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [accountID, Int64(now.timeIntervalSince1970) + Int64(settings.metadataRefresh)])
        }
    }
}
