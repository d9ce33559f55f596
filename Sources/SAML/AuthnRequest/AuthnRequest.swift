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
        destination + (destination.contains("?") ? "&" : "?") + redirectQuery(relayState: relayState)
    }

    /// The signature algorithm of a signed redirect (`SigAlg`): RSA with SHA-256, what every IdP verifies.
    public static let redirectSignatureAlgorithm = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"

    /// The URL of a signed HTTP-Redirect request (SAML bindings §3.4.4.1): `sign` receives exactly the
    /// octets `SAMLRequest=…&RelayState=…&SigAlg=…` as they appear in the URL, and returns the RSA-SHA256
    /// signature that follows as `Signature`.
    ///
    /// The IdP verifies the query as sent, not a re-encoding of it, so the signed octets and the URL are
    /// built from one string.
    public func signedRedirectURL<Failure: Error>(
        relayState: String?, sign: ([UInt8]) throws(Failure) -> [UInt8]
    ) throws(Failure) -> String {
        let signed =
            redirectQuery(relayState: relayState) + "&SigAlg="
            + URLEncoding.queryValue(Self.redirectSignatureAlgorithm)
        let signature = try sign(Array(signed.utf8))
        return destination + (destination.contains("?") ? "&" : "?") + signed + "&Signature="
            + URLEncoding.queryValue(Data(signature).base64EncodedString())
    }

    /// `SAMLRequest=…[&RelayState=…]`, each value deflated/encoded as the redirect binding says.
    private func redirectQuery(relayState: String?) -> String {
        let encoded = Data(RawDeflate.compress(Array(xml.utf8))).base64EncodedString()
        var query = "SAMLRequest=" + URLEncoding.queryValue(encoded)
        if let relayState {
            query += "&RelayState=" + URLEncoding.queryValue(relayState)
        }
        return query
    }

    /// The `SAMLRequest` value of the HTTP-POST binding (bindings §3.5.4): the request XML, signed
    /// with `signer` when given (an enveloped signature after the Issuer), base64-encoded, not deflated.
    public func postValue(signedWith signer: EnvelopedSigner?) throws(XMLSecurityError) -> String {
        guard let signer else { return Data(xml.utf8).base64EncodedString() }
        let document = try LibXMLDocument(parsing: Array(xml.utf8))
        let root = document.rootElement
        try signer.sign(root, after: root.firstChildElement(named: QualifiedName(XMLNamespace.samlAssertion, "Issuer")))
        return Data(try document.serialized()).base64EncodedString()
    }
}
