import SAML
import Store

extension SAMLSettings.RequestBinding {
    /// The stored setting for a binding read from IdP metadata.
    public init(_ binding: SSOBinding) {
        switch binding {
        case .redirect: self = .redirect
        case .post: self = .post
        }
    }

    /// The binding this setting sends AuthnRequests by.
    public var ssoBinding: SSOBinding {
        switch self {
        case .redirect: .redirect
        case .post: .post
        }
    }
}
