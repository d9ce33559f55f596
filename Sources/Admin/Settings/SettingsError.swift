import Credentials
import Store

/// Why a settings change was refused; nothing is saved when one is thrown.
public enum SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Enabling SAML without an SSO URL.
    case ssoURLRequired
    /// Enabling SAML without a certificate.
    case certificateRequired
    /// The SSO URL is not https (or http on a loopback host).
    case invalidSSOURL(String, reason: String)
    /// The Single Logout URL (or its response URL) is not https (or http on a loopback host).
    case invalidSLOURL(String, reason: String)
    /// An application logout cookie name is not a cookie name.
    case invalidCookieName(String)
    /// More application logout cookies than a sign-out expires.
    case tooManyLogoutCookies(Int)
    /// A certificate file was refused.
    case certificate(file: String, CertificateImportError)
    /// The clock skew is outside 0…3600 seconds.
    case clockSkewOutOfRange(Int)
    /// The session lifetime is outside 60 seconds … 30 days.
    case sessionLifetimeOutOfRange(Int)
    /// The IdP entity ID is not a plausible identifier.
    case invalidIdPEntityID(String)
    /// The sign-in log retention is outside 1 … 3650 days.
    case logRetentionOutOfRange(Int)
    /// The IdP metadata URL may not be fetched (not https, or http to a host that is not loopback).
    case invalidMetadataURL(String, reason: String)
    /// The metadata refresh interval is outside 10 seconds … 30 days.
    case metadataRefreshOutOfRange(Int)
    /// The metadata certificate grace is outside 0 … 365 days.
    case metadataCertGraceOutOfRange(Int)
    /// The IdP metadata has no SingleSignOnService for the binding asked for.
    case bindingNotOffered(source: String, SAMLSettings.RequestBinding)
    /// An email domain is not a domain name.
    case invalidEmailDomain(String)
    /// The group attribute is not a plausible attribute Name.
    case invalidGroupAttribute(String)
    /// A required or admin group name is too long or holds a control character (`field` says which list).
    case invalidGroupName(String, field: String)
    /// More entries in an identity-rule list (`field`) than samlgate keeps.
    case tooManyRuleEntries(field: String, count: Int)

    /// The form field the error belongs to, so the settings page can show it next to that field.
    public var field: String {
        switch self {
        case .ssoURLRequired, .invalidSSOURL: "sso_url"
        case .certificateRequired, .certificate: "certificate"
        case .clockSkewOutOfRange: "clock_skew"
        case .sessionLifetimeOutOfRange: "session_lifetime"
        case .invalidIdPEntityID: "idp_entity_id"
        case .logRetentionOutOfRange: "log_retention"
        case .bindingNotOffered: "request_binding"
        case .invalidSLOURL: "slo_url"
        case .invalidCookieName, .tooManyLogoutCookies: "app_logout_cookies"
        case .invalidMetadataURL: "idp_metadata_url"
        case .metadataRefreshOutOfRange: "metadata_refresh"
        case .metadataCertGraceOutOfRange: "metadata_cert_grace"
        case .invalidEmailDomain: "email_domains"
        case .invalidGroupAttribute: "group_attribute"
        case .invalidGroupName(_, let field), .tooManyRuleEntries(let field, _): field
        }
    }

    /// One sentence an admin can act on.
    public var description: String {
        switch self {
        case .ssoURLRequired: "SAML cannot be enabled without the IdP's Single Sign-On URL"
        case .certificateRequired: "SAML cannot be enabled without at least one IdP signing certificate"
        case .invalidSSOURL(let url, let reason): "invalid Single Sign-On URL '\(url)': \(reason)"
        case .certificate(let file, let error): "\(file): \(error)"
        case .invalidSLOURL(let url, let reason): "invalid Single Logout URL '\(url)': \(reason)"
        case .invalidCookieName(let name):
            "'\(name)' is not a cookie name (letters, digits and !#$%&'*+-.^_`|~, at most 128)"
        case .tooManyLogoutCookies(let count): "at most 16 application logout cookies (got \(count))"
        case .clockSkewOutOfRange(let value): "clock skew must be between 0 and 3600 seconds (got \(value))"
        case .sessionLifetimeOutOfRange(let value):
            "session lifetime must be between 60 seconds and 30 days (got \(value) seconds)"
        case .invalidIdPEntityID(let value):
            "invalid IdP entity ID '\(value)': it must be non-empty text without spaces"
        case .logRetentionOutOfRange(let value):
            "sign-in log retention must be between 1 day (86400 seconds) and 3650 days (got \(value) seconds)"
        case .invalidMetadataURL(let url, let reason): "invalid IdP metadata URL '\(url)': \(reason)"
        case .metadataRefreshOutOfRange(let value):
            "the metadata refresh interval must be between 10 seconds and 30 days (got \(value) seconds)"
        case .metadataCertGraceOutOfRange(let value):
            "the metadata certificate grace must be between 0 and 365 days (got \(value) seconds)"
        case .invalidEmailDomain(let domain):
            "'\(domain)' is not an email domain (letters, digits, '-' and '.', such as acme.test; no '@')"
        case .invalidGroupAttribute(let name):
            "invalid group attribute '\(name)': an attribute Name without spaces, at most 256 characters"
        case .invalidGroupName(let name, _):
            "invalid group '\(name.prefix(80))': a group name of at most 1024 bytes without control characters or line breaks"
        case .tooManyRuleEntries(let field, let count):
            "at most \(SettingsValidator.ruleListLimit) entries in \(field) (got \(count))"
        case .bindingNotOffered(let source, let binding):
            "\(source) offers no SingleSignOnService for \(binding == .post ? "HTTP-POST" : "HTTP-Redirect"); "
                + "leave the request binding out to use the one it offers"
        }
    }
}
