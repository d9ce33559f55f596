/// The URLs samlgate answers on for one account, derived only from the stored base URL.
///
/// Never from the request's Host, scheme or port headers: behind a TLS-terminating proxy those
/// describe the hop, not the URL the IdP was configured with, and an attacker controls them.
public struct ServiceProvider: Sendable, Hashable {
    /// The account slug, the path segment after `/sso/`.
    public let slug: String
    /// The application's public origin plus path prefix, without trailing slash.
    public let baseURL: String

    /// Set only by the test-only initializer, to validate a real IdP's response as the SP it was made for.
    private var postbackOverride: String?
    private var audienceOverride: String?

    /// Describes the service provider of the account `slug` served under `baseURL`.
    public init(slug: String, baseURL: String) {
        self.slug = slug
        self.baseURL = baseURL
    }

    /// A service provider with another SP's Post-back URL and Audience URI, which no base URL derives:
    /// for validating recorded responses from real IdPs exactly as their SP would.
    @_spi(Testing) public init(postbackURL: String, audienceURI: String) {
        self.init(slug: "recorded", baseURL: "https://recorded.invalid")
        postbackOverride = postbackURL
        audienceOverride = audienceURI
    }

    /// `{base_url}/sso/{slug}`: every endpoint lives below it.
    public var endpointRoot: String { "\(baseURL)/sso/\(slug)" }

    /// The Post-back URL (Assertion Consumer Service), where the IdP POSTs its Response.
    public var postbackURL: String { postbackOverride ?? "\(endpointRoot)/acs" }

    /// The Audience URI, our SP entity ID; it is also where the SP metadata is served.
    public var audienceURI: String { audienceOverride ?? "\(endpointRoot)/metadata" }

    /// Where users start an SP-initiated sign-in.
    public var loginURL: String { "\(endpointRoot)/login" }

    /// The Single Logout URL: LogoutRequests and LogoutResponses from the IdP arrive here.
    public var sloURL: String { "\(endpointRoot)/slo" }

    /// Where an application's own "log out" link points: the sign-out confirmation page.
    public var logoutURL: String { "\(endpointRoot)/logout" }

    /// The page a browser lands on after signing out.
    public var signedOutURL: String { "\(endpointRoot)/signed-out" }

    /// The Authentication settings page.
    public var settingsURL: String { "\(endpointRoot)/settings" }
}
