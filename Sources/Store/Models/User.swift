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

    /// The key emails are compared by: Unicode lower case of the trimmed address.
    ///
    /// Every ACS post-back computes one, so the common case — ASCII with nothing to trim — is folded
    /// byte by byte (the same result as `lowercased()` for ASCII) without Foundation's trimming.
    public static func emailKey(_ email: String) -> String {
        let bytes = email.utf8
        let isASCIISpace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = bytes.first, let last = bytes.last, !isASCIISpace(first), !isASCIISpace(last),
            bytes.allSatisfy({ $0 < 0x80 })
        else {
            return email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        }
        guard bytes.contains(where: { (0x41...0x5A).contains($0) }) else { return email }
        return String(decoding: bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
