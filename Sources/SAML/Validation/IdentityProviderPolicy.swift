import Foundation

/// What an account accepts from its IdP: the validation-relevant part of its SAML settings.
///
/// Kept separate from the store's settings type so the SAML module stays free of storage and can
/// be tested with plain values.
public struct IdentityProviderPolicy: Sendable, Hashable {
    /// When set, the Assertion's Issuer (and the Response's, if present) must equal it.
    public var entityID: String?
    /// Accept SHA-1 signatures and digests.
    public var allowSHA1: Bool
    /// Accept responses that answer no AuthnRequest of ours.
    public var allowIdPInitiated: Bool
    /// Tolerance for clock differences, in seconds.
    public var clockSkew: TimeInterval
    /// The longest session, in seconds.
    public var sessionLifetime: TimeInterval
    /// Refuse an Assertion sent in the clear: only an EncryptedAssertion is accepted.
    public var requireEncryption: Bool
    /// The attributes that may list the user's groups; the first one present is read.
    public var groupAttributes: [String]

    /// The attributes IdPs list groups in, tried in this order when the account names none: the common
    /// short names (Okta, Keycloak, Google and most set-ups), LDAP's two, Entra ID's and ADFS's claim URIs,
    /// and eduPerson's `isMemberOf` OID (Shibboleth, and SimpleSAMLphp in its URI name format).
    public static let defaultGroupAttributes = [
        "groups", "memberOf", "isMemberOf", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "http://schemas.xmlsoap.org/claims/Group", "urn:oid:1.3.6.1.4.1.5923.1.5.1.1",
    ]

    /// Creates a policy; the defaults are a new account's (SHA-1 refused, IdP-initiated allowed, 180 s, 8 h,
    /// encryption optional, groups from the default attributes).
    public init(
        entityID: String? = nil, allowSHA1: Bool = false, allowIdPInitiated: Bool = true, clockSkew: TimeInterval = 180,
        sessionLifetime: TimeInterval = 8 * 3600, requireEncryption: Bool = false,
        groupAttributes: [String] = defaultGroupAttributes
    ) {
        self.groupAttributes = groupAttributes
        self.requireEncryption = requireEncryption
        self.entityID = entityID
        self.allowSHA1 = allowSHA1
        self.allowIdPInitiated = allowIdPInitiated
        self.clockSkew = clockSkew
        self.sessionLifetime = sessionLifetime
    }
}
