/// The identity provider product an account's settings point at, so a sign-in hint can name the place
/// in that product's console where a failed check is fixed.
///
/// Recognised from the IdP entity ID or SSO URL (``init(entityID:ssoURL:)``); only ever used to word
/// advice for admins, never to decide whether a message is accepted.
public enum IdentityProviderFamily: String, Sendable, Hashable, CaseIterable {
    /// Microsoft Entra ID (formerly Azure AD).
    case entra
    /// Active Directory Federation Services.
    case adfs
    /// Okta.
    case okta
    /// Google Workspace.
    case google
    /// Keycloak (and Red Hat build of Keycloak).
    case keycloak
    /// OneLogin.
    case onelogin
    /// JumpCloud.
    case jumpcloud
    /// Shibboleth Identity Provider.
    case shibboleth
    /// SimpleSAMLphp.
    case simplesamlphp
    /// Anything else: hints then speak of "the IdP" in general terms.
    case unknown

    /// The product's name as admins know it.
    public var displayName: String {
        switch self {
        case .entra: "Microsoft Entra ID"
        case .adfs: "AD FS"
        case .okta: "Okta"
        case .google: "Google Workspace"
        case .keycloak: "Keycloak"
        case .onelogin: "OneLogin"
        case .jumpcloud: "JumpCloud"
        case .shibboleth: "Shibboleth IdP"
        case .simplesamlphp: "SimpleSAMLphp"
        case .unknown: "the IdP"
        }
    }

    /// Whether the IdP runs on the customer's own servers, whose clock can be as wrong as ours.
    var isSelfHosted: Bool {
        switch self {
        case .adfs, .keycloak, .shibboleth, .simplesamlphp: true
        default: false
        }
    }
}
