import Credentials
import Foundation

/// A person who may sign in to an account. Users are created by admins, never by SSO.
public struct User: Sendable, Hashable {
    /// Internal row id.
    public let id: Int64
    /// The account this user belongs to.
    public let accountID: Int64
    /// The email as the admin typed it; lookups compare it case-insensitively.
    public let email: String
    /// Given name, updated from the IdP's `given_name` attribute on SAML sign-in.
    public let givenName: String?
    /// Family name, updated from the IdP's `family_name` attribute on SAML sign-in.
    public let familyName: String?
    /// The user's role.
    public let role: Role
    /// The scrypt hash of the password, if one is set.
    public let passwordHash: String?
    /// A disabled user cannot sign in by any method.
    public let disabled: Bool
    /// When the user was added.
    public let createdAt: Date

    /// Whether a password is set.
    public var hasPassword: Bool { passwordHash != nil }

    /// Creates a user value (the store assigns ids).
    public init(
        id: Int64, accountID: Int64, email: String, givenName: String?, familyName: String?, role: Role,
        passwordHash: String?, disabled: Bool, createdAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.email = email
        self.givenName = givenName
        self.familyName = familyName
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
    }

    /// The key emails are compared by (``Identity/key(_:)``: ASCII case folding only).
    public static func emailKey(_ email: String) -> String { Identity.key(email) }
}
