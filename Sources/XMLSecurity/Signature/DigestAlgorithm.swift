internal import CXMLSec

/// An XML-DSig `DigestMethod` this module can produce and may accept.
///
/// The raw value is the algorithm URI; SHA-1 is accepted only under `SignaturePolicy.allowSHA1`.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    /// SHA-1: accepted only when an account opts in.
    case sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
    /// SHA-256.
    case sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    /// SHA-384.
    case sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    /// SHA-512.
    case sha512 = "http://www.w3.org/2001/04/xmlenc#sha512"

    /// The algorithm URI.
    public var uri: String { rawValue }

    /// True for SHA-1, which needs `SignaturePolicy.allowSHA1`.
    public var usesSHA1: Bool { self == .sha1 }

    /// The xmlsec transform implementing the digest.
    var transformID: xmlSecTransformId {
        switch self {
        case .sha1: return xmlSecOpenSSLTransformSha1GetKlass()
        case .sha256: return xmlSecOpenSSLTransformSha256GetKlass()
        case .sha384: return xmlSecOpenSSLTransformSha384GetKlass()
        case .sha512: return xmlSecOpenSSLTransformSha512GetKlass()
        }
    }
}
