/// The outcome of verifying one enveloped signature.
public enum SignatureVerification {
    /// The signature is acceptable; read everything from `VerifiedSignature.element`.
    case valid(VerifiedSignature)
    /// The signature is absent or unacceptable, and why.
    case invalid(SignatureFailure)

    /// The failure, or nil when valid (convenient in tests and logs).
    public var failure: SignatureFailure? {
        guard case .invalid(let failure) = self else { return nil }
        return failure
    }

    /// The verified signature, or nil when invalid.
    public var verified: VerifiedSignature? {
        guard case .valid(let verified) = self else { return nil }
        return verified
    }
}

/// What a valid signature proved.
public struct VerifiedSignature {
    /// The exact node the signature covers: the element whose ID the single Reference names and to
    /// which that ID resolves. Everything consumed must be read from here (ACS rule 5), never found
    /// again by searching the document.
    public let element: LibXMLElement
    /// The trusted key that verified the signature.
    public let key: TrustedKey
    /// The signature algorithm used.
    public let signatureAlgorithm: SignatureAlgorithm
    /// The digest algorithm used.
    public let digestAlgorithm: DigestAlgorithm
    /// The canonicalization of SignedInfo.
    public let canonicalization: Canonicalization
}
