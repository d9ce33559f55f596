import Testing

@_spi(Testing) @testable import XMLSecurity

/// xmlsec's own restrictions are a second line of defence: even if the structure check were bypassed,
/// xmlsec configured by `SignatureVerifier` refuses transforms and algorithms outside the allow-list.
@Suite(.timeLimit(.minutes(1)))
struct SignatureVerifierDefenceTests {
    private func verifyBypassingStructureCheck(_ xml: String, assumed: SignatureStructure) throws -> SignatureFailure? {
        let document = try LibXMLDocument.parse(xml)
        let assertion = try required(document.first(.samlAssertion), "an Assertion")
        let signature = try required(assertion.childElements(named: .signature).first, "a Signature")
        try document.registerIDs()
        let verifier = SignatureVerifier(keys: try Identities.idpRSA.trustedKeys())
        return verifier.verifyCryptographically(
            element: assertion, signature: signature, structure: assumed, id: SAMLSamples.assertionID
        ).failure
    }

    private let assumed = SignatureStructure(
        canonicalization: .exclusive, signatureAlgorithm: .rsaSHA256, digestAlgorithm: .sha256,
        keyInfoCertificate: nil)

    @Test func xmlsecRefusesAnXPathTransform() throws {
        let xml = try Signed.assertion(
            options: SigningOptions(referenceTransforms: [.envelopedSignature, .xpath("1")]))
        guard case .xmlsecError = try verifyBypassingStructureCheck(xml, assumed: assumed) else {
            Issue.record("xmlsec must refuse a transform that was not enabled")
            return
        }
    }

    @Test func xmlsecRefusesAWithCommentsTransform() throws {
        let options = SigningOptions(referenceTransforms: [
            .envelopedSignature, .canonicalization(.exclusiveWithComments),
        ])
        guard
            case .xmlsecError = try verifyBypassingStructureCheck(
                try Signed.assertion(options: options), assumed: assumed)
        else {
            Issue.record("xmlsec must refuse a transform that was not enabled")
            return
        }
    }

    @Test func xmlsecRefusesAnAlgorithmOtherThanTheCheckedOne() throws {
        let xml = try Signed.assertion(options: SigningOptions(signatureAlgorithm: .rsaSHA512))
        guard case .xmlsecError = try verifyBypassingStructureCheck(xml, assumed: assumed) else {
            Issue.record("xmlsec must refuse a signature method that was not enabled")
            return
        }
    }

    @Test func xmlsecRefusesAReferenceToAnotherDocument() throws {
        let xml = try Signed.assertion()
            .replacingFirst("URI=\"#\(SAMLSamples.assertionID)\"", with: "URI=\"file:///etc/passwd\"")
        guard case .xmlsecError = try verifyBypassingStructureCheck(xml, assumed: assumed) else {
            Issue.record("xmlsec must refuse a non same-document reference")
            return
        }
    }

    /// Shared keys and verifier, per-call contexts: concurrent verifications all succeed (the thread
    /// rules in `XMLSecurity`).
    @Test func concurrentVerifications() async throws {
        let bytes = Array(try Signed.assertion().utf8)
        let verifier = SignatureVerifier(keys: try Identities.idpRSA.trustedKeys())
        let successes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var count = 0
                    for _ in 0..<50 {
                        let document = try LibXMLDocument(parsing: bytes)
                        let assertion = try required(document.first(.samlAssertion), "an Assertion")
                        if verifier.verifyEnvelopedSignature(on: assertion).verified != nil { count += 1 }
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(successes == 200)
    }
}
