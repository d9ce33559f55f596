/// The check a signature failed, with expected and actual values where there are any.
///
/// Returned as a value (not thrown) because a rejected signature is an expected outcome that the
/// SAML layer turns into an admin-readable reason for the sign-in log.
public enum SignatureFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The element has no `ds:Signature` child and nothing below it signs it.
    case noSignature
    /// A `ds:Signature` referencing the element exists, but deeper than a direct child.
    case signatureNotDirectChild
    /// More than one `ds:Signature` is a direct child of the element.
    case multipleSignatures(count: Int)
    /// The element has no ID attribute for the signature to reference.
    case missingID(element: String)
    /// The Signature lacks a mandatory part (SignedInfo, SignatureValue, a method, …).
    case malformedSignature(String)
    /// SignedInfo does not hold exactly one Reference.
    case referenceCount(expected: Int, actual: Int)
    /// The Reference's URI is not `#` + the element's ID (nil: no URI attribute).
    case referenceURIMismatch(expected: String, actual: String?)
    /// An ID-like value occurs more than once in the document (signature wrapping).
    case duplicateID(String)
    /// The ID does not resolve to the element (it is registered on another node).
    case idNotBoundToElement(String)
    /// A Reference transform outside enveloped-signature + comment-free canonicalization.
    case disallowedTransform(String)
    /// Allowed transforms in a disallowed order or number (expected: enveloped, then at most one c14n).
    case transformSequence(actual: [String])
    /// The SignedInfo CanonicalizationMethod is not exclusive c14n, c14n 1.0 or 1.1 without comments.
    case disallowedCanonicalization(String)
    /// A signature or digest algorithm outside the allow-list.
    case disallowedAlgorithm(String)
    /// A SHA-1 signature or digest while the policy does not allow SHA-1.
    case sha1NotAllowed(String)
    /// No trusted key verifies the signature; `fingerprint` is the SHA-256 of the certificate the
    /// message carried in KeyInfo, when it carried one that is not trusted.
    case untrustedKey(fingerprint: String?)
    /// The signed element changed after signing (the Reference digest does not match).
    case digestMismatch
    /// The digest matches but the SignatureValue does not verify with the trusted key.
    case invalidSignature
    /// xmlsec stopped with an error (malformed values, unsupported key size, …).
    case xmlsecError(String)
    /// xmlsec reported success but processed something other than what was checked beforehand.
    case unexpectedProcessing(String)

    /// A one-line explanation for the admin's sign-in log.
    public var description: String {
        switch self {
        case .noSignature:
            return "no signature on the element"
        case .signatureNotDirectChild:
            return "the signature is not a direct child of the element it signs"
        case .multipleSignatures(let count):
            return "expected 1 signature on the element, found \(count)"
        case .missingID(let element):
            return "element \(element) has no ID for a signature to reference"
        case .malformedSignature(let detail):
            return "malformed signature: \(detail)"
        case .referenceCount(let expected, let actual):
            return "expected \(expected) Reference in the signature, found \(actual)"
        case .referenceURIMismatch(let expected, let actual):
            return "signature Reference URI is \(actual.map { "\"\($0)\"" } ?? "missing"), expected \"\(expected)\""
        case .duplicateID(let id):
            return "the ID \"\(id)\" appears more than once in the document"
        case .idNotBoundToElement(let id):
            return "the ID \"\(id)\" does not resolve to the signed element"
        case .disallowedTransform(let uri):
            return "signature uses a disallowed transform \(uri)"
        case .transformSequence(let actual):
            return "signature transforms are [\(actual.joined(separator: ", "))], "
                + "expected enveloped-signature optionally followed by one canonicalization"
        case .disallowedCanonicalization(let uri):
            return "signature uses a disallowed canonicalization \(uri)"
        case .disallowedAlgorithm(let uri):
            return "signature uses a disallowed algorithm \(uri)"
        case .sha1NotAllowed(let uri):
            return "signature uses SHA-1 (\(uri)), which this account does not allow"
        case .untrustedKey(let fingerprint):
            let suffix = fingerprint.map { " (SHA-256 \($0))" } ?? ""
            return "signature made with a key that is not one of this account's certificates\(suffix)"
        case .digestMismatch:
            return "the signed content was modified after signing (digest mismatch)"
        case .invalidSignature:
            return "the signature value does not verify with this account's certificates"
        case .xmlsecError(let detail):
            return "signature could not be processed: \(detail)"
        case .unexpectedProcessing(let detail):
            return "signature processing did not match the checked structure: \(detail)"
        }
    }
}
