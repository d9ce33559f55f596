/// Where a request goes: `…/sso/{slug}/{endpoint}` at the end of the request path, or the responder's
/// own `…/sso/-/metrics` and `…/sso/-/health` (`-` is never an account slug).
///
/// Matching the suffix lets any path prefix in `base_url` (`https://example.com/helpdesk`) work
/// without configuration; the account's stored base URL, not the request, builds every URL we emit.
struct Route: Equatable {
    enum Endpoint: String {
        case metadata, login, acs, auth, logout, settings, slo
        case signedOut = "signed-out"
        case unavailable
        case metrics, health

        /// Whether the endpoint is the responder's own (under `sso/-/`) rather than an account's.
        var isOperational: Bool { self == .metrics || self == .health }
    }

    /// The path segment that stands for "the responder itself" instead of an account.
    static let operationsSlug = "-"

    let slug: String
    let endpoint: Endpoint

    /// Parses a percent-encoded path; nil for anything that is not an SSO endpoint.
    init?(path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 4, segments[segments.count - 3] == "sso",
            let endpoint = Endpoint(rawValue: String(segments[segments.count - 1]))
        else { return nil }
        let slug = String(segments[segments.count - 2])
        guard !slug.isEmpty, endpoint.isOperational == (slug == Self.operationsSlug) else { return nil }
        self.slug = slug
        self.endpoint = endpoint
    }
}
