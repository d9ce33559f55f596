internal import CXMLSec

/// An XML canonicalization algorithm, used as `CanonicalizationMethod` or as a Reference transform.
///
/// The `WithComments` variants exist so tests can produce them; verification never accepts them,
/// because a comment inside a value changes what different readers see without changing the digest
/// of the comment-free form.
public enum Canonicalization: String, Sendable, CaseIterable {
    /// Exclusive c14n, the SAML default.
    case exclusive = "http://www.w3.org/2001/10/xml-exc-c14n#"
    /// Exclusive c14n keeping comments (never accepted).
    case exclusiveWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
    /// Inclusive c14n 1.0.
    case inclusive10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    /// Inclusive c14n 1.0 keeping comments (never accepted).
    case inclusive10WithComments = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
    /// Inclusive c14n 1.1.
    case inclusive11 = "http://www.w3.org/2006/12/xml-c14n11"
    /// Inclusive c14n 1.1 keeping comments (never accepted).
    case inclusive11WithComments = "http://www.w3.org/2006/12/xml-c14n11#WithComments"

    /// The algorithm URI.
    public var uri: String { rawValue }

    /// True for the `#WithComments` variants.
    public var keepsComments: Bool {
        self == .exclusiveWithComments || self == .inclusive10WithComments || self == .inclusive11WithComments
    }

    /// The canonicalizations a signature may use: the three comment-free ones.
    public static let accepted: [Canonicalization] = [.exclusive, .inclusive10, .inclusive11]

    /// The xmlsec transform implementing the canonicalization.
    var transformID: xmlSecTransformId {
        switch self {
        case .exclusive: return xmlSecTransformExclC14NGetKlass()
        case .exclusiveWithComments: return xmlSecTransformExclC14NWithCommentsGetKlass()
        case .inclusive10: return xmlSecTransformInclC14NGetKlass()
        case .inclusive10WithComments: return xmlSecTransformInclC14NWithCommentsGetKlass()
        case .inclusive11: return xmlSecTransformInclC14N11GetKlass()
        case .inclusive11WithComments: return xmlSecTransformInclC14N11WithCommentsGetKlass()
        }
    }
}
