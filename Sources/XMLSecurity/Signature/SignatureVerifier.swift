/// Verifies enveloped XML signatures against an account's pinned keys under a policy.
///
/// Build one per account (keys are loaded once) and share it: it is `Sendable`, and each call uses
/// its own xmlsec context (see `XMLSecurity` for the thread rules).
public struct SignatureVerifier: Sendable {
    /// The keys a signature must verify with; KeyInfo in messages is never trusted.
    public let keys: TrustedKeys
    /// What the signature may use.
    public let policy: SignaturePolicy

    /// Creates a verifier for an account's keys and policy.
    public init(keys: TrustedKeys, policy: SignaturePolicy = SignaturePolicy()) {
        self.keys = keys
        self.policy = policy
    }

    /// Verifies the `ds:Signature` that is a direct child of `element` and signs exactly `element`.
    ///
    /// Checks, in order: a single direct-child Signature; the element's ID; ID uniqueness across the
    /// document and that the ID resolves to this very node; SignedInfo structure (one Reference with
    /// URI `#ID`, enveloped + one optional comment-free c14n, allow-listed algorithms, SHA-1 per
    /// policy); then xmlsec verification with each trusted key of the right family in turn, followed
    /// by a check that xmlsec processed exactly that one Reference, with only allowed transforms, over
    /// a node set that is exactly `element`.
    /// - Returns: `.valid` with the node to read from and the matching key, or `.invalid` naming the check.
    public func verifyEnvelopedSignature(on element: LibXMLElement) -> SignatureVerification {
        switch prepare(element) {
        case .failure(let failure):
            return .invalid(failure)
        case .success(let (signature, structure, id)):
            return verifyCryptographically(element: element, signature: signature, structure: structure, id: id)
        }
    }

    private func prepare(
        _ element: LibXMLElement
    ) -> Result<(LibXMLElement, SignatureStructure, String), SignatureFailure> {
        let id = element.attribute(policy.idAttribute)
        let signatures = element.childElements(named: DSig.signature)
        guard signatures.count <= 1 else { return .failure(.multipleSignatures(count: signatures.count)) }
        guard let signature = signatures.first else {
            let fragment = id.map { "#" + $0 }
            let signsElementFromBelow = element.descendantElements(named: DSig.signature).contains { candidate in
                fragment.map(Self.referenceURIs(of: candidate).contains) == true
            }
            return .failure(signsElementFromBelow ? .signatureNotDirectChild : .noSignature)
        }
        guard let id, !id.isEmpty else { return .failure(.missingID(element: element.name.description)) }
        let document = element.document
        if let duplicate = document.firstDuplicateIDValue() { return .failure(.duplicateID(duplicate)) }
        do {
            try document.registerID(of: element, attribute: policy.idAttribute)
        } catch {
            return .failure(.idNotBoundToElement(id))
        }
        guard document.elementRegistered(forID: id) == element else { return .failure(.idNotBoundToElement(id)) }
        return SignatureStructure.inspect(signature, expectedURI: "#" + id, policy: policy).map { structure in
            (signature, structure, id)
        }
    }

    private static func referenceURIs(of signature: LibXMLElement) -> [String] {
        signature.childElements(named: DSig.signedInfo)
            .flatMap { $0.childElements(named: DSig.reference) }
            .compactMap { $0.attribute("URI") }
    }
}
