import Foundation
import XMLSecurity

/// Sends a SAML message over the HTTP-POST binding (SAML bindings §3.5.4): the XML, signed with an
/// enveloped signature right after its Issuer when a signer is given, base64-encoded, not deflated.
public enum PostBinding {
    /// The form value (`SAMLRequest` or `SAMLResponse`) for `xml`.
    public static func value(xml: String, signedWith signer: EnvelopedSigner?) throws(XMLSecurityError) -> String {
        guard let signer else { return Data(xml.utf8).base64EncodedString() }
        let document = try LibXMLDocument(parsing: Array(xml.utf8))
        let root = document.rootElement
        try signer.sign(root, after: root.firstChildElement(named: QualifiedName(XMLNamespace.samlAssertion, "Issuer")))
        return Data(try document.serialized()).base64EncodedString()
    }
}
