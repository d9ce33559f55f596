import Basics
import Fetch
import Foundation
import Store

/// The rules a set of SAML settings must satisfy before it is saved (docs/architecture.md, "Other rules").
public enum SettingsValidator {
    /// Throws the first rule `settings` breaks.
    public static func validate(_ settings: SAMLSettings) throws(SettingsError) {
        if let url = settings.ssoURL {
            try validate(ssoURL: url)
        }
        for url in [settings.sloURL, settings.sloResponseURL].compactMap({ $0 }) {
            if let reason = problem(withIdPURL: url) { throw SettingsError.invalidSLOURL(url, reason: reason) }
        }
        if let name = settings.appLogoutCookies.first(where: { !isCookieName($0) }) {
            throw SettingsError.invalidCookieName(name)
        }
        guard settings.appLogoutCookies.count <= 16 else {
            throw SettingsError.tooManyLogoutCookies(settings.appLogoutCookies.count)
        }
        try validateRules(settings)
        if let entityID = settings.idpEntityID, entityID.isEmpty || entityID.contains(where: \.isWhitespace) {
            throw SettingsError.invalidIdPEntityID(entityID)
        }
        guard (0...3600).contains(settings.clockSkew) else {
            throw SettingsError.clockSkewOutOfRange(settings.clockSkew)
        }
        guard (60...30 * 86_400).contains(settings.sessionLifetime) else {
            throw SettingsError.sessionLifetimeOutOfRange(settings.sessionLifetime)
        }
        guard (86_400...3650 * 86_400).contains(settings.logRetention) else {
            throw SettingsError.logRetentionOutOfRange(settings.logRetention)
        }
        if let url = settings.idpMetadataURL, let reason = FetchURLRule.problem(with: url) {
            throw SettingsError.invalidMetadataURL(url, reason: reason)
        }
        guard (10...30 * 86_400).contains(settings.metadataRefresh) else {
            throw SettingsError.metadataRefreshOutOfRange(settings.metadataRefresh)
        }
        guard (0...365 * 86_400).contains(settings.metadataCertGrace) else {
            throw SettingsError.metadataCertGraceOutOfRange(settings.metadataCertGrace)
        }
        if settings.enabled {
            guard settings.ssoURL != nil else { throw SettingsError.ssoURLRequired }
            guard !settings.certificates.isEmpty else { throw SettingsError.certificateRequired }
        }
    }

    /// The most entries an identity-rule list (domains, required groups, admin groups) may have.
    public static let ruleListLimit = 100

    /// The identity rules: domain names, a group attribute Name, group names that fit a header line.
    private static func validateRules(_ settings: SAMLSettings) throws(SettingsError) {
        for (field, list) in [
            ("email_domains", settings.emailDomains), ("required_groups", settings.requiredGroups),
            ("admin_groups", settings.adminGroups),
        ] where list.count > ruleListLimit {
            throw .tooManyRuleEntries(field: field, count: list.count)
        }
        if let domain = settings.emailDomains.first(where: { !isDomain($0) }) {
            throw .invalidEmailDomain(domain)
        }
        if let name = settings.groupAttribute,
            name.isEmpty || name.count > 256 || name.unicodeScalars.contains(where: isSpaceOrControl)
        {
            throw .invalidGroupAttribute(name)
        }
        for (field, list) in [("required_groups", settings.requiredGroups), ("admin_groups", settings.adminGroups)] {
            if let name = list.first(where: {
                $0.isEmpty || $0.utf8.count > 1024 || $0.unicodeScalars.contains(where: \.isControlCharacter)
                    || $0.contains(where: \.isNewline)
            }) {
                throw .invalidGroupName(name, field: field)
            }
        }
    }

    /// A DNS name in ASCII (internationalised domains in their `xn--` form): labels of letters, digits and
    /// `-`, joined by dots.
    private static func isDomain(_ value: String) -> Bool {
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        return value.utf8.count <= 253
            && labels.allSatisfy { label in
                (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy { byte in
                        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    }
            }
    }

    private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isControlCharacter || scalar.properties.isWhitespace
    }

    /// Throws unless `url` is https, or http on a loopback host (a local test IdP).
    ///
    /// The AuthnRequest travels in this URL's query: over plain http on a network it could be read
    /// or altered, so http is allowed only where it never leaves the machine.
    public static func validate(ssoURL url: String) throws(SettingsError) {
        if let reason = problem(withIdPURL: url) { throw .invalidSSOURL(url, reason: reason) }
    }

    /// Why `url` cannot be an IdP endpoint (SSO or Single Logout), or nil when it can.
    private static func problem(withIdPURL url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return "not an absolute URL" }
        guard !url.contains(where: \.isWhitespace) else { return "no white space allowed" }
        switch scheme {
        case "https": return nil
        case "http": return LoopbackHost.contains(host) ? nil : "it must use https (http is allowed only for localhost)"
        default: return "it must use https"
        }
    }

    /// Whether `name` is a cookie name (an RFC 6265 token: visible ASCII without separators), at most
    /// 128 characters; such a name can neither split a `Set-Cookie` header nor the stored list.
    static func isCookieName(_ name: String) -> Bool {
        let separators = Set("()<>@,;:\\\"/[]?={} \t".utf8)
        return !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { (0x21...0x7E).contains($0) && !separators.contains($0) }
    }
}
