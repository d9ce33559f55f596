import Admin
import Credentials
import Foundation
import SAML
import Store

/// The `saml show` output, as text for people and JSON for scripts.
struct SettingsReport {
    let account: Account
    let settings: SAMLSettings
    let spKeys: [(SPKey, Certificate)]
    let metadata: MetadataSourceStatus

    /// Everything `saml show` prints about the account `slug`, read in one transaction.
    static func read(slug: String, in tx: StoreTransaction) throws -> SettingsReport {
        let account = try tx.requireAccount(slug: slug)
        let settings = try tx.samlSettings(accountID: account.id)
        return SettingsReport(
            account: account, settings: settings, spKeys: try withCertificates(tx.spKeys(accountID: account.id)),
            metadata: MetadataSourceStatus(
                settings: settings, state: try tx.metadataRefreshState(accountID: account.id),
                lastSeen: try tx.metadataCertificatesLastSeen(accountID: account.id)))
    }

    func text(now: Date = Date()) -> String {
        let provider = ServiceProvider(slug: account.slug, baseURL: account.baseURL)
        func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
        var lines = [
            "Account:              \(account.slug) (\(account.name))",
            "Post-back URL (ACS):  \(provider.postbackURL)",
            "Audience URI:         \(provider.audienceURI)",
            "SP metadata:          \(provider.audienceURI)",
            "SAML enabled:         \(yesNo(settings.enabled))",
            "SSO URL:              \(settings.ssoURL ?? "(not set)")",
            "IdP entity ID:        \(settings.idpEntityID ?? "(any)")",
            "Force SAML sign-in:   \(yesNo(settings.forceSAML))",
            "IdP-initiated:        \(settings.allowIdPInitiated ? "allowed" : "refused")",
            "Allow SHA-1:          \(yesNo(settings.allowSHA1))",
            "Sign AuthnRequests:   \(yesNo(settings.signRequests))",
            "Request binding:      \(settings.requestBinding == .post ? "HTTP-POST" : "HTTP-Redirect")",
            "Require encryption:   \(yesNo(settings.requireEncryption))",
            "Single Logout URL:    \(settings.sloURL.map { "\($0) (\(settings.sloBinding == .post ? "HTTP-POST" : "HTTP-Redirect"))" } ?? "(not set: sign-out ends the samlgate session only)")",
            "  responses to:       \(settings.sloResponseURL ?? settings.sloURL ?? "-")",
            "SP logout URL:        \(provider.sloURL)",
            "App logout cookies:   \(settings.appLogoutCookies.isEmpty ? "none" : settings.appLogoutCookies.joined(separator: ", "))",
            "Email domains:        \(settings.emailDomains.isEmpty ? "any" : settings.emailDomains.map { "@" + $0 }.joined(separator: ", "))",
            "Group attribute:      \(settings.groupAttribute ?? "(the first present of the common ones)")",
            "Required groups:      \(settings.requiredGroups.isEmpty ? "none (any group)" : settings.requiredGroups.joined(separator: "; "))",
            "Admin groups:         \(settings.adminGroups.isEmpty ? "none (roles as set)" : settings.adminGroups.joined(separator: "; "))",
            "Clock skew:           \(settings.clockSkew) s",
            "Session lifetime:     \(settings.sessionLifetime) s (\(TimeFormat.duration(settings.sessionLifetime)))",
            "Sign-in log kept:     \(settings.logRetention) s (\(TimeFormat.duration(settings.logRetention)))",
        ]
        lines += metadataLines(now: now)
        lines.append(
            "Certificates:         \(settings.certificates.isEmpty ? "none" : String(settings.certificates.count))")
        for (index, certificate) in settings.certificates.enumerated() {
            lines.append("  \(index + 1). \(certificate.subject) (\(metadata.origin(of: certificate.sha256)))")
            lines.append("     SHA-256 \(certificate.sha256)")
            lines.append(
                "     expires \(SAMLTime.format(certificate.notAfter))\(Self.warning(for: certificate, now: now))"
            )
        }
        lines.append(
            "SP keys:              \(spKeys.isEmpty ? "none (add one with: samlgate sp-key add)" : String(spKeys.count))"
        )
        for (key, certificate) in spKeys {
            lines.append("  \(key.id). \(key.state.rawValue), SHA-256 \(key.sha256)")
            lines.append("     expires \(SAMLTime.format(key.notAfter))\(Self.warning(for: certificate, now: now))")
        }
        return lines.map(Terminal.escaped).joined(separator: "\n")
    }

    /// The metadata URL, its refresh state and the failing warning.
    private func metadataLines(now: Date) -> [String] {
        guard let url = settings.idpMetadataURL else { return ["IdP metadata URL:     (not set)"] }
        var lines = [
            "IdP metadata URL:     \(url)",
            "  signature:          "
                + (settings.metadataSigningCertificate.map { "must verify with SHA-256 \($0.sha256)" } ?? "not pinned"),
            "  refresh every:      \(settings.metadataRefresh) s (\(TimeFormat.duration(settings.metadataRefresh))); "
                + "vanished certificates trusted \(TimeFormat.duration(settings.metadataCertGrace)) more",
        ]
        let state = metadata.state
        lines.append(
            "  last fetch:         " + (state?.lastAttemptAt.map { SAMLTime.format($0) } ?? "never")
                + (state?.lastAttemptAt == nil ? "" : state?.lastError.map { ", failed: \($0)" } ?? ", applied"))
        lines.append("  last applied:       " + (state?.lastSuccessAt.map { SAMLTime.format($0) } ?? "never"))
        lines.append(
            "  next fetch:         "
                + (state.map { SAMLTime.format($0.nextFetchAt) } ?? "at the responder's next check"))
        if let warning = metadata.failingWarning(now: now) { lines.append("  [WARNING: \(warning)]") }
        return lines
    }

    func json(now: Date = Date()) -> String {
        let provider = ServiceProvider(slug: account.slug, baseURL: account.baseURL)
        return JSONValue.object([
            ("account", .string(account.slug)),
            ("postback_url", .string(provider.postbackURL)),
            ("audience_uri", .string(provider.audienceURI)),
            ("metadata_url", .string(provider.audienceURI)),
            ("enabled", .bool(settings.enabled)),
            ("sso_url", .optional(settings.ssoURL)),
            ("idp_entity_id", .optional(settings.idpEntityID)),
            ("force_saml", .bool(settings.forceSAML)),
            ("allow_sha1", .bool(settings.allowSHA1)),
            ("allow_idp_initiated", .bool(settings.allowIdPInitiated)),
            ("sign_requests", .bool(settings.signRequests)),
            ("request_binding", .string(settings.requestBinding.rawValue)),
            ("require_encryption", .bool(settings.requireEncryption)),
            ("slo_url", .optional(settings.sloURL)),
            ("slo_response_url", .optional(settings.sloResponseURL)),
            ("slo_binding", .string(settings.sloBinding.rawValue)),
            ("sp_slo_url", .string(provider.sloURL)),
            ("app_logout_cookies", .array(settings.appLogoutCookies.map { .string($0) })),
            ("email_domains", .array(settings.emailDomains.map { .string($0) })),
            ("group_attribute", .optional(settings.groupAttribute)),
            ("required_groups", .array(settings.requiredGroups.map { .string($0) })),
            ("admin_groups", .array(settings.adminGroups.map { .string($0) })),
            ("clock_skew", .int(settings.clockSkew)),
            ("session_lifetime", .int(settings.sessionLifetime)),
            ("log_retention", .int(settings.logRetention)),
            ("idp_metadata_url", .optional(settings.idpMetadataURL)),
            ("metadata_signing_cert_sha256", .optional(settings.metadataSigningCertificate?.sha256)),
            ("metadata_refresh", .int(settings.metadataRefresh)),
            ("metadata_cert_grace", .int(settings.metadataCertGrace)),
            ("metadata_last_fetch", .optional(metadata.state?.lastAttemptAt.map { SAMLTime.format($0) })),
            ("metadata_last_success", .optional(metadata.state?.lastSuccessAt.map { SAMLTime.format($0) })),
            ("metadata_last_error", .optional(metadata.state?.lastError)),
            ("metadata_next_fetch", .optional(metadata.state.map { SAMLTime.format($0.nextFetchAt) })),
            ("metadata_failing_warning", .optional(metadata.failingWarning(now: now))),
            (
                "certificates",
                .array(
                    settings.certificates.map { certificate in
                        .object([
                            ("subject", .string(certificate.subject)), ("sha256", .string(certificate.sha256)),
                            (
                                "origin",
                                .string(
                                    settings.metadataCertificates.contains(certificate.sha256) ? "metadata" : "uploaded"
                                )
                            ),
                            ("not_after", .string(SAMLTime.format(certificate.notAfter))),
                            ("expired", .bool(certificate.isExpired(at: now))),
                            ("expires_soon", .bool(certificate.expiresSoon(at: now))),
                        ])
                    })
            ),
            (
                "sp_keys",
                .array(
                    spKeys.map { key, certificate in
                        .object([
                            ("id", .int(Int(key.id))), ("state", .string(key.state.rawValue)),
                            ("sha256", .string(key.sha256)), ("not_after", .string(SAMLTime.format(key.notAfter))),
                            ("expired", .bool(certificate.isExpired(at: now))),
                            ("expires_soon", .bool(certificate.expiresSoon(at: now))),
                        ])
                    })
            ),
        ]).serialized()
    }

    /// Each SP key with its parsed certificate, so keys and IdP certificates are judged by one expiry rule.
    static func withCertificates(_ keys: [SPKey]) throws -> [(SPKey, Certificate)] {
        try keys.map { ($0, try Certificate(der: $0.certificateDER)) }
    }

    private static func warning(for certificate: Certificate, now: Date) -> String {
        if certificate.isExpired(at: now) { return "  [EXPIRED: replace it]" }
        if certificate.expiresSoon(at: now) {
            let days = Int(certificate.notAfter.timeIntervalSince(now) / 86_400)
            return "  [expires in \(days) days: plan a rollover]"
        }
        return ""
    }
}
