import Basics
import Credentials
import Foundation
import XMLSecurity

/// An SP-initiated sign-in request, sent to the IdP over the HTTP-Redirect or the HTTP-POST binding.
///
/// The ID is what the IdP echoes as InResponseTo, so the caller stores it (with the RelayState
/// token naming it) before sending it. Signed with the account's active SP key when the account says
/// so (IdPs such as Keycloak refuse unsigned requests by default): over the query octets for
/// HTTP-Redirect, as an enveloped XML signature for HTTP-POST.
public struct AuthnRequest: Sendable {
    /// The request ID: `_` plus 160 random bits in hex (an NCName, unguessable).
    public let id: String
    /// When it was made.
    public let issueInstant: Date
    /// The IdP SSO URL it is sent to.
    public let destination: String
    /// Where the IdP must POST its answer.
    public let assertionConsumerServiceURL: String
    /// Our entity ID (the Audience URI).
    public let issuer: String

    /// Builds a request from `provider` to `ssoURL`, with a fresh ID.
    public init(provider: ServiceProvider, ssoURL: String, now: Date = Date()) {
        self.id = "_" + Hex.encode(SecureRandom.bytes(20))
        self.issueInstant = now
        self.destination = ssoURL
        self.assertionConsumerServiceURL = provider.postbackURL
        self.issuer = provider.audienceURI
    }

    /// The request XML.
    public var xml: String {
        """
        <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
        xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(id)" Version="2.0" \
        IssueInstant="\(SAMLTime.format(issueInstant))" Destination="\(XMLEscaping.attribute(destination))" \
        AssertionConsumerServiceURL="\(XMLEscaping.attribute(assertionConsumerServiceURL))" \
        ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">\
        <saml:Issuer>\(XMLEscaping.attribute(issuer))</saml:Issuer>\
        <samlp:NameIDPolicy Format="\(ServiceProviderMetadata.nameIDFormat)" AllowCreate="false"/>\
        </samlp:AuthnRequest>
        """
    }

    /// The URL to redirect the browser to: the SSO URL with `SAMLRequest` (deflated, base64) and `RelayState`.
    public func redirectURL(relayState: String?) -> String {
        RedirectBinding.url(destination: destination, parameter: .request, xml: xml, relayState: relayState)
    }

    /// The signature algorithm of a signed redirect (`SigAlg`).
    public static let redirectSignatureAlgorithm = RedirectBinding.signatureAlgorithm

    /// The URL of a signed HTTP-Redirect request (``RedirectBinding/signedURL(destination:parameter:xml:relayState:sign:)``).
    public func signedRedirectURL<Failure: Error>(
        relayState: String?, sign: ([UInt8]) throws(Failure) -> [UInt8]
    ) throws(Failure) -> String {
        try RedirectBinding.signedURL(
            destination: destination, parameter: .request, xml: xml, relayState: relayState, sign: sign)
    }

    /// The `SAMLRequest` value of the HTTP-POST binding, signed with `signer` when given.
    public func postValue(signedWith signer: EnvelopedSigner?) throws(XMLSecurityError) -> String {
        try PostBinding.value(xml: xml, signedWith: signer)
    }
}
