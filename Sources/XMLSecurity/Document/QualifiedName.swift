/// An element name as namespace URI plus local name: prefixes are chosen by the sender and mean nothing.
public struct QualifiedName: Sendable, Hashable, CustomStringConvertible {
    /// The namespace URI, or nil for an element in no namespace.
    public var namespaceURI: String?
    /// The name without prefix.
    public var localName: String

    /// Creates a name from its namespace URI and local name.
    public init(_ namespaceURI: String?, _ localName: String) {
        self.namespaceURI = namespaceURI
        self.localName = localName
    }

    /// `{namespace}localName`, the unambiguous form for messages.
    public var description: String {
        namespaceURI.map { "{\($0)}\(localName)" } ?? localName
    }

    /// `samlp:Response`, whose `ID` a Response signature references.
    public static let samlResponse = QualifiedName(XMLNamespace.samlProtocol, "Response")
    /// `saml:Assertion`, whose `ID` an Assertion signature references.
    public static let samlAssertion = QualifiedName(XMLNamespace.samlAssertion, "Assertion")
    /// `ds:Signature`.
    public static let signature = QualifiedName(XMLNamespace.xmlDSig, "Signature")
    /// The elements whose `ID` attribute SAML signatures reference: register these and nothing else.
    public static let samlSignableElements: [QualifiedName] = [.samlResponse, .samlAssertion]
}

/// Namespace URIs this module and its callers compare against.
public enum XMLNamespace {
    /// XML Signature (`ds:`).
    public static let xmlDSig = "http://www.w3.org/2000/09/xmldsig#"
    /// SAML 2.0 protocol (`samlp:`).
    public static let samlProtocol = "urn:oasis:names:tc:SAML:2.0:protocol"
    /// SAML 2.0 assertion (`saml:`).
    public static let samlAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
    /// XML Encryption 1.0 (`xenc:`).
    public static let xmlEnc = "http://www.w3.org/2001/04/xmlenc#"
    /// XML Encryption 1.1 (`xenc11:`), home of AES-GCM and the generic `rsa-oaep`.
    public static let xmlEnc11 = "http://www.w3.org/2009/xmlenc11#"
    /// The `xml:` namespace, home of `xml:id`.
    public static let xml = "http://www.w3.org/XML/1998/namespace"
}
