import Credentials

/// An account's SAML configuration, as the admin set it.
///
/// The defaults of a new account: off until enabled; SHA-1 refused; IdP-initiated sign-in
/// allowed (it is how IdP app tiles work); 180 s clock skew; 8 h sessions; a 90-day sign-in log;
/// AuthnRequests signed and sent by HTTP-Redirect; plain assertions accepted.
public struct SAMLSettings: Sendable, Hashable {
    /// How an AuthnRequest travels to the IdP.
    public enum RequestBinding: String, Sendable, Hashable, Codable, CaseIterable {
        /// HTTP-Redirect: the request DEFLATEd in the query string (the signature, if any, beside it).
        case redirect
        /// HTTP-POST: an auto-submitting form (the signature enveloped in the request); for IdPs
        /// whose metadata offers only this binding.
        case post
    }

    /// Whether SAML sign-in is on.
    public var enabled: Bool = false
    /// The IdP's Single Sign-On URL, for the ``requestBinding``.
    public var ssoURL: String?
    /// When set, the Assertion's (and Response's) Issuer must equal it.
    public var idpEntityID: String?
    /// The IdP signing certificates; several allow rollover.
    public var certificates: [Certificate] = []
    /// When on, only the owner may sign in with a password.
    public var forceSAML: Bool = false
    /// Accept SHA-1 digests and signatures (off: SHA-1 is broken).
    public var allowSHA1: Bool = false
    /// Accept responses not answering one of our AuthnRequests.
    public var allowIdPInitiated: Bool = true
    /// Tolerance, in seconds, for clock differences with the IdP.
    public var clockSkew: Int = 180
    /// Longest session, in seconds (the IdP's SessionNotOnOrAfter may shorten it).
    public var sessionLifetime: Int = 8 * 3600
    /// How long, in seconds, sign-in log rows are kept (90 days); older ones are pruned.
    public var logRetention: Int = 90 * 86_400
    /// Sign AuthnRequests with the account's active SP key, so an IdP can check that a request (its
    /// Post-back URL included) comes from this account; IdPs that set `WantAuthnRequestsSigned` need it.
    public var signRequests: Bool = true
    /// Accept only encrypted assertions (off: plain ones, still signed, are accepted too).
    public var requireEncryption: Bool = false
    /// The binding AuthnRequests are sent with, as the IdP metadata offers them.
    public var requestBinding: RequestBinding = .redirect

    /// The IdP's Single Logout URL, where our LogoutRequests go; nil: sign-out ends only our session.
    public var sloURL: String?
    /// Where our LogoutResponses go, when the IdP's metadata names a separate ResponseLocation.
    public var sloResponseURL: String?
    /// The binding LogoutRequests are sent with.
    public var sloBinding: RequestBinding = .redirect
    /// The application's own session cookies, expired by every sign-out (so the application forgets
    /// the user too, not only samlgate).
    public var appLogoutCookies: [String] = []

    /// The IdP metadata URL the settings are kept current from; nil: set by hand or from a file.
    public var idpMetadataURL: String?
    /// When set, a fetched metadata document must carry an XML signature that verifies with it.
    public var metadataSigningCertificate: Certificate?
    /// Seconds between metadata fetches (6 h; sooner when the document's cacheDuration or validUntil says so).
    public var metadataRefresh: Int = 6 * 3600
    /// Seconds a certificate that vanished from the metadata stays trusted after it was last seen (7 days).
    public var metadataCertGrace: Int = 7 * 86_400
    /// The SHA-256 fingerprints of the ``certificates`` that came from the metadata URL; the others
    /// were uploaded (or read from a metadata file) and stay until the admin removes them.
    public var metadataCertificates: Set<String> = []

    /// When not empty, a SAML identity must end in `@` and one of these domains (ASCII case folded; no
    /// subdomains).
    public var emailDomains: [String] = []
    /// The attribute that lists the user's groups; nil: the first present of the common ones
    /// (`IdentityProviderPolicy.defaultGroupAttributes` in the SAML module).
    public var groupAttribute: String?
    /// When not empty, a SAML sign-in needs one of these groups.
    public var requiredGroups: [String] = []
    /// When not empty, each SAML sign-in makes a member of one of these groups `admin` and anyone else
    /// `user` (the owner keeps its role).
    public var adminGroups: [String] = []

    /// The defaults of a new account.
    public init() {}
}
