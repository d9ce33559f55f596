/// The three optional attributes samlgate reads, with the Names IdPs commonly send for each.
///
/// Okta and Keycloak are usually configured with short names (`email`, `firstName`, `lastName`);
/// SimpleSAMLphp, Shibboleth's basic name format and LDAP-backed IdPs send LDAP's (`mail`, `givenName`,
/// `sn`); Entra ID and ADFS send the WS-Federation claim URIs; Shibboleth's URI name format sends OIDs.
/// All mean the same thing.
public enum IdentityAttribute: String, Sendable, CaseIterable {
    /// The user's email, which (when present) identifies the user instead of the NameID.
    case email
    /// The given name.
    case givenName = "given_name"
    /// The family name.
    case familyName = "family_name"

    /// Every Attribute `Name` accepted for this attribute.
    public var names: [String] {
        switch self {
        case .email:
            [
                "email", "mail", "emailAddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                "urn:oid:0.9.2342.19200300.100.1.3",
            ]
        case .givenName:
            [
                "given_name", "givenName", "firstName",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42",
            ]
        case .familyName:
            [
                "family_name", "sn", "surname", "lastName",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "urn:oid:2.5.4.4",
            ]
        }
    }
}
