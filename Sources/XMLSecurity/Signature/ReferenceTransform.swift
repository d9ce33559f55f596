/// A `Transform` to write into a Reference when signing.
///
/// Production signatures use `[.envelopedSignature, .canonicalization(.exclusive)]`; the other cases
/// exist so tests can build cryptographically valid signatures that verification must still refuse.
public enum ReferenceTransform: Sendable, Equatable {
    /// The enveloped-signature transform: removes the Signature from the signed element.
    case envelopedSignature
    /// A canonicalization step.
    case canonicalization(Canonicalization)
    /// An XPath filter (XML-DSig 1.0 XPath transform) with the given expression.
    case xpath(String)

    /// URI of the enveloped-signature transform.
    public static let envelopedSignatureURI = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    /// URI of the XPath filter transform.
    public static let xpathURI = "http://www.w3.org/TR/1999/REC-xpath-19991116"
}
