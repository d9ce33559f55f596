import Testing
@_spi(Testing) import XMLSecurity

/// IDs are registered only on the SAML elements, and any duplicate ID-like value is refused.
@Suite(.timeLimit(.minutes(1)))
struct LibXMLDocumentIDTests {
    init() throws { try XMLSecurity.initialize() }

    @Test func registersSAMLIDs() throws {
        let document = try LibXMLDocument.parse(SAMLSamples.response())
        try document.registerIDs()
        try document.registerIDs()  // idempotent
    }

    static let duplicates: [(String, String)] = [
        (
            SAMLSamples.response().replacingFirst(SAMLSamples.responseID, with: SAMLSamples.assertionID),
            SAMLSamples.assertionID
        ),
        (
            SAMLSamples.response().replacingFirst(
                "<saml:Subject>", with: "<saml:Subject ID=\"\(SAMLSamples.assertionID)\">"), SAMLSamples.assertionID
        ),
        (
            SAMLSamples.response().replacingFirst(
                "<saml:Subject>", with: "<saml:Subject xml:id=\"\(SAMLSamples.assertionID)\">"), SAMLSamples.assertionID
        ),
        (
            SAMLSamples.response().replacingFirst(
                "<saml:Subject>", with: "<saml:Subject Id=\"\(SAMLSamples.responseID)\">"), SAMLSamples.responseID
        ),
    ]

    @Test(arguments: duplicates)
    func duplicateIDsAreRejected(xml: String, id: String) throws {
        let document = try LibXMLDocument.parse(xml)
        #expect(throws: XMLSecurityError.duplicateID(id)) { try document.registerIDs() }
    }

    /// Past a handful of IDs the scan switches from pairwise comparison to a hash set; a duplicate is
    /// found on either side of that switch, under every ID-like spelling, and many distinct IDs pass.
    @Test(arguments: [2, 15, 16, 17, 40])
    func duplicatesAmongManyIDsAreRejected(position: Int) throws {
        let spellings = ["ID", "Id", "AssertionID", "xml:id"]
        var elements = (0..<40).map { "<e \(spellings[$0 % spellings.count])=\"_\($0)\"/>" }
        let distinct = try LibXMLDocument.parse("<r>" + elements.joined() + "</r>")
        try distinct.registerIDs()
        elements.insert("<d \(spellings[position % spellings.count])=\"_\(position - 1)\"/>", at: position)
        let document = try LibXMLDocument.parse("<r>" + elements.joined() + "</r>")
        #expect(throws: XMLSecurityError.duplicateID("_\(position - 1)")) { try document.registerIDs() }
    }

    /// Only the listed elements are registered; signing and verifying bind the ID of the element they
    /// are given themselves, so other element types work when a caller asks for them explicitly.
    @Test func signingAndVerifyingBindTheirOwnElement() throws {
        let document = try LibXMLDocument.parse("<r xmlns=\"urn:x\"><e ID=\"_e\"/></r>")
        try document.registerIDs()
        let options = SigningOptions(includeCertificate: false)
        let signer = EnvelopedSigner(key: try Identities.idpRSA.signingKey(), options: options)
        try signer.sign(document.rootElement.childElements[0])
        let verifier = SignatureVerifier(keys: try Identities.idpRSA.trustedKeys())
        #expect(verifier.verifyEnvelopedSignature(on: document.rootElement.childElements[0]).verified != nil)
    }
}
