/// Who a SAML session belongs to at the IdP: the NameID exactly as the IdP sent it, and the IdP's
/// session. Single Logout names the user by it in both directions.
public struct SAMLSubject: Sendable, Hashable {
    /// The NameID's text as sent.
    public var nameID: String
    /// Its `Format`, when sent.
    public var format: String?
    /// Its `NameQualifier`, when sent.
    public var nameQualifier: String?
    /// Its `SPNameQualifier`, when sent.
    public var spNameQualifier: String?
    /// The AuthnStatement's `SessionIndex`, when sent.
    public var sessionIndex: String?

    /// A subject with the given parts.
    public init(
        nameID: String, format: String? = nil, nameQualifier: String? = nil, spNameQualifier: String? = nil,
        sessionIndex: String? = nil
    ) {
        self.nameID = nameID
        self.format = format
        self.nameQualifier = nameQualifier
        self.spNameQualifier = spNameQualifier
        self.sessionIndex = sessionIndex
    }
}
