import Foundation

/// The shape rules for account slugs (`[a-z0-9][a-z0-9-]{0,62}`) and base URLs.
///
/// The base URL is the root every SAML URL is derived from, so it must be an absolute http(s)
/// origin with an optional path prefix and nothing that would make the derived URLs ambiguous.
public enum AccountRules {
    /// Throws unless `slug` matches `[a-z0-9][a-z0-9-]{0,62}`.
    public static func validate(slug: String) throws {
        let bytes = Array(slug.utf8)
        func allowed(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard (1...63).contains(bytes.count), allowed(bytes[0]),
            bytes.allSatisfy({ allowed($0) || $0 == UInt8(ascii: "-") })
        else { throw StoreError.invalidSlug(slug) }
    }

    /// Throws unless `baseURL` is `http(s)://host[:port][/path]` without trailing slash, query, fragment or credentials.
    public static func validate(baseURL: String) throws {
        func fail(_ reason: String) -> StoreError { .invalidBaseURL(baseURL, reason: reason) }
        guard let components = URLComponents(string: baseURL), let scheme = components.scheme?.lowercased() else {
            throw fail("not an absolute URL")
        }
        guard scheme == "https" || scheme == "http" else { throw fail("the scheme must be https or http") }
        guard let host = components.host, !host.isEmpty else { throw fail("no host") }
        guard components.user == nil, components.password == nil else { throw fail("no user or password allowed") }
        guard components.query == nil, components.fragment == nil else { throw fail("no query or fragment allowed") }
        guard !baseURL.hasSuffix("/") else { throw fail("remove the trailing slash") }
        guard !baseURL.contains(where: \.isWhitespace) else { throw fail("no white space allowed") }
    }
}
