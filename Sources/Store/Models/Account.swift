/// A tenant of samlgate: one application (or one helpdesk account) with its own users and SAML settings.
public struct Account: Sendable, Hashable, Codable {
    /// Internal row id.
    public let id: Int64
    /// URL-safe identifier used in every endpoint path (`/sso/{slug}/…`).
    public let slug: String
    /// Display name shown on pages.
    public let name: String
    /// Public origin plus any path prefix of the application, without trailing slash.
    public let baseURL: String

    /// Creates an account value (the store assigns ids).
    public init(id: Int64, slug: String, name: String, baseURL: String) {
        self.id = id
        self.slug = slug
        self.name = name
        self.baseURL = baseURL
    }
}
