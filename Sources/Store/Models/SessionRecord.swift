import Foundation

/// A signed-in session as stored: found by the SHA-256 of its cookie token.
public struct SessionRecord: Sendable, Hashable {
    /// How the user proved who they are.
    public enum AuthMethod: String, Sendable, Hashable, Codable {
        /// Through the IdP.
        case saml
        /// With a password (the owner, or anyone while SAML is not forced).
        case password
    }

    /// The user's email.
    public let email: String
    /// How the session was created.
    public let authMethod: AuthMethod
    /// When it was created.
    public let createdAt: Date
    /// When it ends.
    public let expiresAt: Date
    /// The NameID as the IdP sent it, for a SAML session.
    public let nameID: String?
    /// The user's groups from the SAML sign-in; nil when the IdP sent no group attribute (or for a
    /// password session).
    public let groups: GroupList?

    /// Creates a session value.
    public init(
        email: String, authMethod: AuthMethod, createdAt: Date, expiresAt: Date, nameID: String? = nil,
        groups: GroupList? = nil
    ) {
        self.email = email
        self.authMethod = authMethod
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.nameID = nameID
        self.groups = groups
    }
}
