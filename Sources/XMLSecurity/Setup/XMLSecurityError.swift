/// Why an XML or key operation could not be carried out, phrased for an administrator's log.
///
/// These are failures to *process* input (unparseable XML, unusable keys, a missing `initialize()`).
/// A signature that is present but not acceptable is not an error: verification returns it as a
/// `SignatureFailure` value naming the failed check.
public enum XMLSecurityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libxml2/xmlsec could not start, or `XMLSecurity.initialize()` reported a problem earlier.
    case initializationFailed(String)
    /// The document is larger than `ParsingLimits.maxBytes`.
    case documentTooLarge(limit: Int, actual: Int)
    /// The input is empty.
    case emptyDocument
    /// The bytes are not UTF-8 (SAML messages are UTF-8); `offset` is the first bad byte.
    case notUTF8(offset: Int)
    /// The XML declaration names an encoding other than UTF-8 (or its ASCII subset).
    case unsupportedEncoding(String)
    /// libxml2 rejected the bytes as XML.
    case notWellFormed(line: Int, message: String)
    /// The document has a DOCTYPE (DTD), which could declare entities; it is never accepted.
    case doctypeForbidden
    /// The document contains an entity reference or other node that only a DTD could define.
    case forbiddenNode(String)
    /// Elements are nested deeper than `ParsingLimits.maxDepth`.
    case tooDeep(limit: Int)
    /// Two ID-like attributes carry the same value, which makes a signature reference ambiguous.
    case duplicateID(String)
    /// An element that must carry an ID (to be signed or registered) has none.
    case missingID(element: String)
    /// A key or certificate could not be loaded.
    case invalidKey(String)
    /// xmlsec could not produce a signature.
    case signingFailed(String)
    /// xmlsec could not encrypt (tests build encrypted messages).
    case encryptionFailed(String)
    /// libxml2 could not serialize the document.
    case serializationFailed

    /// A one-line explanation suitable for logs and the admin's sign-in log.
    public var description: String {
        switch self {
        case .initializationFailed(let detail):
            return "XML security library initialization failed: \(detail)"
        case .documentTooLarge(let limit, let actual):
            return "XML document is \(actual) bytes, more than the limit of \(limit) bytes"
        case .emptyDocument:
            return "XML document is empty"
        case .notUTF8(let offset):
            return "XML document is not valid UTF-8 (first bad byte at offset \(offset))"
        case .unsupportedEncoding(let name):
            return "XML document declares encoding \(name); only UTF-8 is accepted"
        case .notWellFormed(let line, let message):
            return "not well-formed XML (line \(line)): \(message)"
        case .doctypeForbidden:
            return "XML document contains a DOCTYPE declaration, which is not allowed"
        case .forbiddenNode(let kind):
            return "XML document contains a \(kind), which is not allowed"
        case .tooDeep(let limit):
            return "XML elements are nested deeper than the limit of \(limit)"
        case .duplicateID(let id):
            return "the ID \"\(id)\" appears more than once in the document"
        case .missingID(let element):
            return "element \(element) has no ID attribute"
        case .invalidKey(let detail):
            return "could not load key: \(detail)"
        case .signingFailed(let detail):
            return "could not sign the element: \(detail)"
        case .encryptionFailed(let detail):
            return "could not encrypt: \(detail)"
        case .serializationFailed:
            return "could not serialize the XML document"
        }
    }
}
