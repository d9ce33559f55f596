import Credentials
import Foundation
import SAML
import Store

/// The `saml show` output, as text for people and JSON for scripts.
enum SettingsReport {
    static func text(account: Account, settings: SAMLSettings, spKeys: [(SPKey, Certificate)], now: Date = Date())
        -> String
    {
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
            "Clock skew:           \(settings.clockSkew) s",
            "Session lifetime:     \(settings.sessionLifetime) s (\(TimeFormat.duration(settings.sessionLifetime)))",
            "Sign-in log kept:     \(settings.logRetention) s (\(TimeFormat.duration(settings.logRetention)))",
            "Certificates:         \(settings.certificates.isEmpty ? "none" : String(settings.certificates.count))",
        ]
        for (index, certificate) in settings.certificates.enumerated() {
            lines.append("  \(index + 1). \(certificate.subject)")
            lines.append("     SHA-256 \(certificate.sha256)")
            lines.append(
                "     expires \(SAMLTime.format(certificate.notAfter))\(warning(for: certificate, now: now))"
            )
        }
        lines.append(
            "SP keys:              \(spKeys.isEmpty ? "none (add one with: samlgate sp-key add)" : String(spKeys.count))"
        )
        for (key, certificate) in spKeys {
            lines.append("  \(key.id). \(key.state.rawValue), SHA-256 \(key.sha256)")
            lines.append("     expires \(SAMLTime.format(key.notAfter))\(warning(for: certificate, now: now))")
        }
        return lines.map(Terminal.escaped).joined(separator: "\n")
    }

    static func json(account: Account, settings: SAMLSettings, spKeys: [(SPKey, Certificate)], now: Date = Date())
        -> String
    {
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
            ("clock_skew", .int(settings.clockSkew)),
            ("session_lifetime", .int(settings.sessionLifetime)),
            ("log_retention", .int(settings.logRetention)),
            (
                "certificates",
                .array(
                    settings.certificates.map { certificate in
                        .object([
                            ("subject", .string(certificate.subject)), ("sha256", .string(certificate.sha256)),
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
