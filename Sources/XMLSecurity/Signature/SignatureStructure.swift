import Credentials
/// The parts of a `ds:Signature` that policy constrains, read and checked before xmlsec runs.
///
/// Checking the structure first gives precise reasons and keeps xmlsec from ever processing a
/// Reference, transform or algorithm outside the allow-list; xmlsec's own configuration (enabled
/// transforms, same-document URIs) repeats the restriction as a second line of defence.
struct SignatureStructure {
    let canonicalization: Canonicalization
    let signatureAlgorithm: SignatureAlgorithm
    let digestAlgorithm: DigestAlgorithm
    /// The first `KeyInfo/X509Data/X509Certificate`, used only to name an untrusted key.
    let keyInfoCertificate: LibXMLElement?

    /// DER of ``keyInfoCertificate``; decoded only when a rejection needs the fingerprint, since the
    /// accepted case never reads it.
    var keyInfoCertificateDER: [UInt8]? {
        guard case .success(let text) = keyInfoCertificate?.singleTextNode() else { return nil }
        return StrictBase64.decode(text)
    }

    private static let algorithm = "Algorithm"

    static func inspect(
        _ signature: LibXMLElement, expectedURI: String, policy: SignaturePolicy
    ) -> Result<SignatureStructure, SignatureFailure> {
        let signedInfos = signature.childElements(named: DSig.signedInfo)
        guard signedInfos.count == 1, let signedInfo = signedInfos.first else {
            return .failure(.malformedSignature("expected 1 SignedInfo, found \(signedInfos.count)"))
        }
        guard signature.childElements(named: DSig.signatureValue).count == 1 else {
            return .failure(.malformedSignature("expected 1 SignatureValue"))
        }
        let parts = signedInfo.childElements
        guard parts.count >= 2, parts[0].hasName(DSig.canonicalizationMethod), parts[1].hasName(DSig.signatureMethod)
        else {
            return .failure(.malformedSignature("SignedInfo must start with CanonicalizationMethod, SignatureMethod"))
        }
        let c14nURI = parts[0].attribute(algorithm) ?? ""
        guard let canonicalization = Canonicalization(rawValue: c14nURI), !canonicalization.keepsComments else {
            return .failure(.disallowedCanonicalization(c14nURI))
        }
        let signatureURI = parts[1].attribute(algorithm) ?? ""
        guard let signatureAlgorithm = SignatureAlgorithm(rawValue: signatureURI) else {
            return .failure(.disallowedAlgorithm(signatureURI))
        }
        guard policy.allowSHA1 || !signatureAlgorithm.usesSHA1 else { return .failure(.sha1NotAllowed(signatureURI)) }
        let references = parts.dropFirst(2)
        guard references.count == 1, let reference = references.first, reference.hasName(DSig.reference) else {
            return .failure(
                .referenceCount(expected: 1, actual: references.filter { $0.hasName(DSig.reference) }.count))
        }
        let uri = reference.attribute("URI")
        guard uri == expectedURI else { return .failure(.referenceURIMismatch(expected: expectedURI, actual: uri)) }
        return inspectReference(reference, policy: policy).map { digestAlgorithm in
            SignatureStructure(
                canonicalization: canonicalization, signatureAlgorithm: signatureAlgorithm,
                digestAlgorithm: digestAlgorithm, keyInfoCertificate: keyInfoCertificate(of: signature))
        }
    }

    /// Checks the transforms and digest of the single Reference; returns its digest algorithm.
    private static func inspectReference(
        _ reference: LibXMLElement, policy: SignaturePolicy
    ) -> Result<DigestAlgorithm, SignatureFailure> {
        var parts = reference.childElements[...]
        var transforms: [String] = []
        if let first = parts.first, first.hasName(DSig.transforms) {
            parts = parts.dropFirst()
            for transform in first.childElements {
                guard transform.hasName(DSig.transform) else {
                    return .failure(.malformedSignature("unexpected \(transform.localName) in Transforms"))
                }
                transforms.append(transform.attribute(algorithm) ?? "")
            }
        }
        if let bad = transforms.first(where: { !acceptedTransformURIs.contains($0) }) {
            return .failure(.disallowedTransform(bad))
        }
        let shapeIsValid =
            transforms.first == ReferenceTransform.envelopedSignatureURI
            && (transforms.count == 1
                || (transforms.count == 2 && acceptedCanonicalizationURIs.contains(transforms[1])))
        guard shapeIsValid else { return .failure(.transformSequence(actual: transforms)) }
        guard parts.count == 2, parts[parts.startIndex].hasName(DSig.digestMethod),
            parts[parts.startIndex + 1].hasName(DSig.digestValue)
        else {
            return .failure(.malformedSignature("Reference must hold DigestMethod and DigestValue"))
        }
        let digestURI = parts[parts.startIndex].attribute(algorithm) ?? ""
        guard let digest = DigestAlgorithm(rawValue: digestURI) else {
            return .failure(.disallowedAlgorithm(digestURI))
        }
        guard policy.allowSHA1 || !digest.usesSHA1 else { return .failure(.sha1NotAllowed(digestURI)) }
        return .success(digest)
    }

    /// The allow-lists as URIs, built once rather than per signature.
    private static let acceptedCanonicalizationURIs = Canonicalization.accepted.map(\.uri)
    private static let acceptedTransformURIs = [ReferenceTransform.envelopedSignatureURI] + acceptedCanonicalizationURIs

    private static func keyInfoCertificate(of signature: LibXMLElement) -> LibXMLElement? {
        for keyInfo in signature.childElements(named: DSig.keyInfo) {
            for data in keyInfo.childElements(named: DSig.x509Data) {
                for certificate in data.childElements(named: DSig.x509Certificate) {
                    guard case .success = certificate.singleTextNode() else { continue }
                    return certificate
                }
            }
        }
        return nil
    }
}

/// Names of the XML-DSig elements this module reads.
enum DSig {
    static let signature = QualifiedName(XMLNamespace.xmlDSig, "Signature")
    static let signedInfo = QualifiedName(XMLNamespace.xmlDSig, "SignedInfo")
    static let signatureValue = QualifiedName(XMLNamespace.xmlDSig, "SignatureValue")
    static let canonicalizationMethod = QualifiedName(XMLNamespace.xmlDSig, "CanonicalizationMethod")
    static let signatureMethod = QualifiedName(XMLNamespace.xmlDSig, "SignatureMethod")
    static let reference = QualifiedName(XMLNamespace.xmlDSig, "Reference")
    static let transforms = QualifiedName(XMLNamespace.xmlDSig, "Transforms")
    static let transform = QualifiedName(XMLNamespace.xmlDSig, "Transform")
    static let digestMethod = QualifiedName(XMLNamespace.xmlDSig, "DigestMethod")
    static let digestValue = QualifiedName(XMLNamespace.xmlDSig, "DigestValue")
    static let keyInfo = QualifiedName(XMLNamespace.xmlDSig, "KeyInfo")
    static let x509Data = QualifiedName(XMLNamespace.xmlDSig, "X509Data")
    static let x509Certificate = QualifiedName(XMLNamespace.xmlDSig, "X509Certificate")
}
