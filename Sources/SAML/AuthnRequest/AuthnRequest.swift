import Credentials
import Foundation

/// An SP-initiated sign-in request, sent to the IdP over the HTTP-Redirect binding.
///
/// The ID is what the IdP echoes as InResponseTo, so the caller stores it (with the RelayState
/// token naming it) before redirecting; unsigned, like most SPs' requests, since the IdP's answer
/// is what carries trust.
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
        let encoded = Data(RawDeflate.compress(Array(xml.utf8))).base64EncodedString()
        var url = destination + (destination.contains("?") ? "&" : "?")
        url += "SAMLRequest=" + URLEncoding.queryValue(encoded)
        if let relayState {
            url += "&RelayState=" + URLEncoding.queryValue(relayState)
        }
        return url
    }
}
