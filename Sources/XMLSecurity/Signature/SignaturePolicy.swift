/// What a signature may use beyond the fixed rules (one Reference to the signed element's ID,
/// enveloped + comment-free canonicalization, RSA/ECDSA with SHA-2, a pinned key).
public struct SignaturePolicy: Sendable, Equatable {
    /// Accept rsa-sha1 / ecdsa-sha1 signatures and SHA-1 digests. Off by default: SHA-1 collisions are
    /// practical; some older IdPs still need it, so an account can opt in (`allow_sha1`).
    public var allowSHA1: Bool
    /// The attribute holding the signed element's ID: `ID` in SAML 2.0.
    public var idAttribute: String

    /// Creates a policy; the defaults are SAML 2.0 with SHA-1 refused.
    public init(allowSHA1: Bool = false, idAttribute: String = "ID") {
        self.allowSHA1 = allowSHA1
        self.idAttribute = idAttribute
    }
}
