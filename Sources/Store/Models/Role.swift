/// What a user may do: the owner and admins manage settings; the owner can always use a password.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// The one account owner.
    case owner
    /// May change settings, like the owner, but is subject to Force SAML.
    case admin
    /// May only sign in.
    case user

    /// Whether this role may see and change the Authentication settings.
    public var managesSettings: Bool { self != .user }
}
