internal import CXMLSec

/// An XML-DSig `SignatureMethod` this module can produce and may accept (RSA PKCS#1 v1.5 and ECDSA).
///
/// The raw value is the algorithm URI as it appears on the wire. Whether a SHA-1 variant is accepted
/// is the policy's decision (`SignaturePolicy.allowSHA1`), not the enum's.
public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    /// RSA with SHA-1: broken hash, accepted only when an account opts in.
    case rsaSHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    /// RSA with SHA-256, what most IdPs send.
    case rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    /// RSA with SHA-384.
    case rsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
    /// RSA with SHA-512.
    case rsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
    /// ECDSA with SHA-1: accepted only when an account opts in.
    case ecdsaSHA1 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1"
    /// ECDSA with SHA-256.
    case ecdsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    /// ECDSA with SHA-384.
    case ecdsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
    /// ECDSA with SHA-512.
    case ecdsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"

    /// The algorithm URI.
    public var uri: String { rawValue }

    /// True for the SHA-1 variants, which need `SignaturePolicy.allowSHA1`.
    public var usesSHA1: Bool { self == .rsaSHA1 || self == .ecdsaSHA1 }

    /// The kind of key that can verify this algorithm, used to skip keys that cannot match.
    public var keyFamily: KeyFamily {
        switch self {
        case .rsaSHA1, .rsaSHA256, .rsaSHA384, .rsaSHA512: return .rsa
        case .ecdsaSHA1, .ecdsaSHA256, .ecdsaSHA384, .ecdsaSHA512: return .ecdsa
        }
    }

    /// The xmlsec transform implementing the algorithm.
    var transformID: xmlSecTransformId {
        switch self {
        case .rsaSHA1: return xmlSecOpenSSLTransformRsaSha1GetKlass()
        case .rsaSHA256: return xmlSecOpenSSLTransformRsaSha256GetKlass()
        case .rsaSHA384: return xmlSecOpenSSLTransformRsaSha384GetKlass()
        case .rsaSHA512: return xmlSecOpenSSLTransformRsaSha512GetKlass()
        case .ecdsaSHA1: return xmlSecOpenSSLTransformEcdsaSha1GetKlass()
        case .ecdsaSHA256: return xmlSecOpenSSLTransformEcdsaSha256GetKlass()
        case .ecdsaSHA384: return xmlSecOpenSSLTransformEcdsaSha384GetKlass()
        case .ecdsaSHA512: return xmlSecOpenSSLTransformEcdsaSha512GetKlass()
        }
    }
}
