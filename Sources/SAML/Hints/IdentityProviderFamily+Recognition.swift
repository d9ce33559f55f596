import Foundation

extension IdentityProviderFamily {
    /// The family of the IdP whose entity ID and SSO URL are given: the entity ID decides when it is
    /// recognised, else the SSO URL; neither recognised is ``unknown``.
    public init(entityID: String?, ssoURL: String?) {
        for identifier in [entityID, ssoURL].compactMap(\.self) {
            if let family = Self(identifier: identifier) {
                self = family
                return
            }
        }
        self = .unknown
    }

    /// The family one identifier (an entity ID, issuer or endpoint URL) belongs to, or nil.
    ///
    /// Cloud IdPs are recognised by their host, parsed with `URLComponents` and matched as the domain
    /// or a subdomain of it, so `https://okta.com.evil.test/` or a host named only in the query is no
    /// match. Self-hosted ones run on any host and are recognised by the path their software serves.
    init?(identifier: String) {
        let trimmed = identifier.trimmingCharacters(in: .whitespaces)
        // JumpCloud's default IdP entity ID is the bare word.
        if trimmed.caseInsensitiveCompare("JumpCloud") == .orderedSame {
            self = .jumpcloud
            return
        }
        guard let url = URLComponents(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", var host = url.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasSuffix(".") { host.removeLast() }
        let path = url.path.lowercased()
        if let family = Self(host: host, path: path) {
            self = family
        } else if let family = Self(path: path) {
            self = family
        } else {
            return nil
        }
    }

    /// Cloud IdPs, by the host they answer on.
    private init?(host: String, path: String) {
        func within(_ domain: String) -> Bool { host == domain || host.hasSuffix("." + domain) }
        if host == "sts.windows.net" || host == "login.microsoftonline.com" {
            self = .entra
        } else if within("okta.com") || within("oktapreview.com") || within("okta-emea.com") {
            self = .okta
        } else if host == "accounts.google.com", path.hasPrefix("/o/saml2") {
            self = .google
        } else if within("onelogin.com") {
            self = .onelogin
        } else if within("jumpcloud.com") {
            self = .jumpcloud
        } else {
            return nil
        }
    }

    /// Self-hosted IdPs, by the paths their software serves (compared in lower case: IIS paths are
    /// case-insensitive, and admins type them either way).
    private init?(path: String) {
        let segments = path.split(separator: "/")
        if path.hasSuffix("/adfs/services/trust") || path.hasSuffix("/adfs/services/trust/")
            || path.hasPrefix("/adfs/ls")
        {
            self = .adfs
        } else if path.hasSuffix("/idp/shibboleth") || path.contains("/idp/profile/saml2/") {
            self = .shibboleth
        } else if path.hasSuffix("/saml2/idp/metadata.php") || path.hasSuffix("/saml2/idp/ssoservice.php")
            || segments.contains("simplesaml")
        {
            self = .simplesamlphp
        } else if let realms = segments.firstIndex(of: "realms"), realms + 1 < segments.endIndex {
            self = .keycloak
        } else {
            return nil
        }
    }
}
