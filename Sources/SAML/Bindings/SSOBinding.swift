/// The SAML bindings an AuthnRequest can travel by, in order of preference.
public enum SSOBinding: String, Sendable, Hashable, CaseIterable {
    /// HTTP-Redirect: the request DEFLATEd in the query string.
    case redirect
    /// HTTP-POST: an auto-submitting form.
    case post

    /// The binding's URI in metadata.
    public var uri: String {
        switch self {
        case .redirect: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        case .post: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        }
    }
}
