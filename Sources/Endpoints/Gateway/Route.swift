/// Where a request goes: `…/sso/{slug}/{endpoint}` at the end of the request path.
///
/// Matching the suffix lets any path prefix in `base_url` (`https://example.com/helpdesk`) work
/// without configuration; the account's stored base URL, not the request, builds every URL we emit.
struct Route: Equatable {
    enum Endpoint: String {
        case metadata, login, acs, auth, logout, settings, slo
        case signedOut = "signed-out"
    }

    let slug: String
    let endpoint: Endpoint

    /// Parses a percent-encoded path; nil for anything that is not an SSO endpoint.
    init?(path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 4, segments[segments.count - 3] == "sso",
            let endpoint = Endpoint(rawValue: String(segments[segments.count - 1]))
        else { return nil }
        let slug = String(segments[segments.count - 2])
        guard !slug.isEmpty else { return nil }
        self.slug = slug
        self.endpoint = endpoint
    }
}
