import Foundation

/// Sends a SAML message over the HTTP-Redirect binding (SAML bindings §3.4.4): DEFLATEd, base64 and
/// percent-encoded into one query parameter, signed over the query octets themselves when asked.
public enum RedirectBinding {
    /// The signature algorithm of a signed redirect (`SigAlg`): RSA with SHA-256, what every IdP verifies.
    public static let signatureAlgorithm = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"

    /// The query parameter a message travels in.
    public enum Parameter: String, Sendable {
        /// Requests (AuthnRequest, LogoutRequest).
        case request = "SAMLRequest"
        /// Responses (LogoutResponse).
        case response = "SAMLResponse"
    }

    /// `destination` with `parameter=…[&RelayState=…]` appended, unsigned.
    public static func url(
        destination: String, parameter: Parameter, xml: String, relayState: String?
    ) -> String {
        destination + (destination.contains("?") ? "&" : "?") + query(parameter, xml: xml, relayState: relayState)
    }

    /// `destination` with a signed query (bindings §3.4.4.1): `sign` receives exactly the octets
    /// `parameter=…&RelayState=…&SigAlg=…` as they appear in the URL and returns the RSA-SHA256
    /// signature that follows as `Signature`.
    ///
    /// The receiver verifies the query as sent, not a re-encoding of it, so the signed octets and the
    /// URL are built from one string.
    public static func signedURL<Failure: Error>(
        destination: String, parameter: Parameter, xml: String, relayState: String?,
        sign: ([UInt8]) throws(Failure) -> [UInt8]
    ) throws(Failure) -> String {
        let signed =
            query(parameter, xml: xml, relayState: relayState) + "&SigAlg=" + URLEncoding.queryValue(signatureAlgorithm)
        let signature = try sign(Array(signed.utf8))
        return destination + (destination.contains("?") ? "&" : "?") + signed + "&Signature="
            + URLEncoding.queryValue(Data(signature).base64EncodedString())
    }

    /// `parameter=…[&RelayState=…]`, each value deflated/encoded as the binding says.
    private static func query(_ parameter: Parameter, xml: String, relayState: String?) -> String {
        let encoded = Data(RawDeflate.compress(Array(xml.utf8))).base64EncodedString()
        var query = parameter.rawValue + "=" + URLEncoding.queryValue(encoded)
        if let relayState {
            query += "&RelayState=" + URLEncoding.queryValue(relayState)
        }
        return query
    }
}
