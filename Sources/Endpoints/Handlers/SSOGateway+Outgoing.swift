import Credentials
import HTTP
import SAML
import Store
import XMLSecurity

extension SSOGateway {
    /// Why a message to the IdP could not be built; a nil detail means the account's SP keys (their
    /// ``AccountKeys/problem`` says why).
    struct OutgoingFailure: Error {
        let detail: String?
    }

    /// The answer that carries a SAML message to the IdP at `destination`: a 302 for HTTP-Redirect,
    /// the auto-posting page for HTTP-POST; signed with the account's active SP key when `signed`
    /// (over the query octets, or as an enveloped signature).
    func carry(
        xml: String, as parameter: RedirectBinding.Parameter, to destination: String,
        binding: SAMLSettings.RequestBinding, relayState: String?, signed: Bool, heading: String,
        context: AccountContext
    ) -> Result<HTTPResponse, OutgoingFailure> {
        switch binding {
        case .redirect:
            guard signed else {
                let url = RedirectBinding.url(
                    destination: destination, parameter: parameter, xml: xml, relayState: relayState)
                return .success(HTTPResponse.redirect(302, to: url))
            }
            guard let signer = context.keys.redirectSigner else { return .failure(OutgoingFailure(detail: nil)) }
            do {
                let url = try RedirectBinding.signedURL(
                    destination: destination, parameter: parameter, xml: xml, relayState: relayState,
                    sign: signer.signSHA256)
                return .success(HTTPResponse.redirect(302, to: url))
            } catch {
                return .failure(OutgoingFailure(detail: "\(error)"))
            }
        case .post:
            guard let origin = URLOrigin.of(destination) else {
                return .failure(OutgoingFailure(detail: "\(destination) has no usable origin"))
            }
            var signer: EnvelopedSigner?
            if signed {
                guard let xmlSigner = context.keys.xmlSigner else { return .failure(OutgoingFailure(detail: nil)) }
                signer = xmlSigner
            }
            do {
                let value = try PostBinding.value(xml: xml, signedWith: signer)
                return .success(
                    pages.autoPost(
                        action: destination, origin: origin, fieldName: parameter.rawValue, message: value,
                        relayState: relayState, heading: heading))
            } catch {
                return .failure(OutgoingFailure(detail: "\(error)"))
            }
        }
    }
}
