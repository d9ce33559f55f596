/// How to build an enveloped signature.
///
/// The defaults are what SAML peers expect (RSA-SHA256, SHA-256, exclusive c14n, enveloped +
/// exclusive c14n transforms, the certificate in KeyInfo). Every field can be changed so tests can
/// produce exactly the variants verification must accept or refuse.
public struct SigningOptions: Sendable, Equatable {
    /// The SignatureMethod; must match the key's family.
    public var signatureAlgorithm: SignatureAlgorithm
    /// The DigestMethod of the Reference.
    public var digestAlgorithm: DigestAlgorithm
    /// The SignedInfo CanonicalizationMethod.
    public var canonicalization: Canonicalization
    /// The Reference transforms, in order.
    public var referenceTransforms: [ReferenceTransform]
    /// Embed the key's certificate in `KeyInfo/X509Data` (needs a `SigningKey` with a certificate).
    public var includeCertificate: Bool

    /// Creates options; the defaults suit SAML.
    public init(
        signatureAlgorithm: SignatureAlgorithm = .rsaSHA256,
        digestAlgorithm: DigestAlgorithm = .sha256,
        canonicalization: Canonicalization = .exclusive,
        referenceTransforms: [ReferenceTransform] = [.envelopedSignature, .canonicalization(.exclusive)],
        includeCertificate: Bool = true
    ) {
        self.signatureAlgorithm = signatureAlgorithm
        self.digestAlgorithm = digestAlgorithm
        self.canonicalization = canonicalization
        self.referenceTransforms = referenceTransforms
        self.includeCertificate = includeCertificate
    }
}
