import Testing
@_spi(Testing) import XMLSecurity

/// One hostile variant of a validly signed Assertion and the check that must catch it.
struct SignatureAttack: Sendable, CustomTestStringConvertible {
    let name: String
    let build: @Sendable (_ signed: String) throws -> String
    let expected: SignatureFailure
    var keys: @Sendable () throws -> TrustedKeys = { try Identities.idpRSA.trustedKeys() }

    var testDescription: String { name }
}

/// ACS rule 4's attack battery against `SignatureVerifier`: every case names the failed check.
@Suite(.timeLimit(.minutes(1)))
struct SignatureAttackTests {
    static let id = SAMLSamples.assertionID
    static func signatureElement(_ xml: String) throws -> String {
        try xml.section(from: "<ds:Signature", through: "</ds:Signature>")
    }

    static func resigned(_ options: SigningOptions, by identity: TestIdentity = Identities.idpRSA)
        -> @Sendable (String) throws -> String
    {
        { _ in try Signed.assertion(by: identity, options: options) }
    }

    static let attacks: [SignatureAttack] = [
        SignatureAttack(name: "unsigned", build: { _ in SAMLSamples.response() }, expected: .noSignature),
        SignatureAttack(
            name: "signature removed", build: { $0.replacingFirst(try signatureElement($0), with: "") },
            expected: .noSignature),
        SignatureAttack(
            name: "signature moved into Subject",
            build: { xml in
                let signature = try signatureElement(xml)
                return xml.replacingFirst(signature, with: "").replacingFirst(
                    "<saml:Subject>", with: "<saml:Subject>" + signature)
            }, expected: .signatureNotDirectChild),
        SignatureAttack(
            name: "two signatures",
            build: { xml in
                let signature = try signatureElement(xml)
                return xml.replacingFirst(signature, with: signature + signature)
            },
            expected: .multipleSignatures(count: 2)),
        SignatureAttack(
            name: "Assertion ID removed", build: { $0.replacingFirst("ID=\"\(id)\"", with: "") },
            expected: .missingID(element: QualifiedName.samlAssertion.description)),
        SignatureAttack(
            name: "Reference URI empty (whole document)",
            build: { $0.replacingFirst("URI=\"#\(id)\"", with: "URI=\"\"") },
            expected: .referenceURIMismatch(expected: "#\(id)", actual: "")),
        SignatureAttack(
            name: "Reference URI absent", build: { $0.replacingFirst("URI=\"#\(id)\"", with: "") },
            expected: .referenceURIMismatch(expected: "#\(id)", actual: nil)),
        SignatureAttack(
            name: "Reference URI points to the Response",
            build: { $0.replacingFirst("URI=\"#\(id)\"", with: "URI=\"#\(SAMLSamples.responseID)\"") },
            expected: .referenceURIMismatch(expected: "#\(id)", actual: "#\(SAMLSamples.responseID)")),
        SignatureAttack(
            name: "Reference URI to an external document",
            build: { $0.replacingFirst("URI=\"#\(id)\"", with: "URI=\"file:///etc/passwd\"") },
            expected: .referenceURIMismatch(expected: "#\(id)", actual: "file:///etc/passwd")),
        SignatureAttack(
            name: "two References",
            build: { xml in
                let reference = try xml.section(from: "<ds:Reference", through: "</ds:Reference>")
                return xml.replacingFirst(reference, with: reference + reference)
            }, expected: .referenceCount(expected: 1, actual: 2)),
        SignatureAttack(
            name: "NameID changed after signing",
            build: { $0.replacingFirst(">alice@example.com</saml:NameID>", with: ">admin@example.com</saml:NameID>") },
            expected: .digestMismatch),
        SignatureAttack(
            name: "attribute value changed after signing",
            build: { $0.replacingFirst("<saml:AttributeValue>Alice<", with: "<saml:AttributeValue>Mallory<") },
            expected: .digestMismatch),
        SignatureAttack(
            name: "Conditions removed after signing",
            build: { xml in
                xml.replacingFirst(
                    try xml.section(from: "<saml:Conditions", through: "</saml:Conditions>"), with: "")
            },
            expected: .digestMismatch),
        SignatureAttack(
            name: "SignatureValue altered",
            build: { xml in
                let value = try xml.section(from: "<ds:SignatureValue>", through: "</ds:SignatureValue>")
                let prefix = "<ds:SignatureValue>"
                let first = try required(value.dropFirst(prefix.count).first, "a SignatureValue")
                return xml.replacingFirst(
                    value, with: prefix + (first == "A" ? "B" : "A") + value.dropFirst(prefix.count + 1))
            }, expected: .invalidSignature),
        SignatureAttack(
            name: "evil Assertion with the same ID after the signed one",
            build: { xml in
                let evil = SAMLSamples.response(nameID: "admin@example.com")
                let evilAssertion = try evil.section(from: "<saml:Assertion", through: "</saml:Assertion>")
                return xml.replacingFirst("</saml:Assertion>", with: "</saml:Assertion>" + evilAssertion)
            }, expected: .duplicateID(id)),
        SignatureAttack(
            name: "evil Assertion with the same ID inside the signed one",
            build: { xml in
                let evil = SAMLSamples.response(nameID: "admin@example.com")
                let evilAssertion = try evil.section(from: "<saml:Assertion", through: "</saml:Assertion>")
                return xml.replacingFirst(
                    "<saml:Subject>", with: "<saml:Advice>\(evilAssertion)</saml:Advice><saml:Subject>")
            }, expected: .duplicateID(id)),
        SignatureAttack(
            name: "xml:id shadowing the signed ID",
            build: { $0.replacingFirst("<samlp:Status>", with: "<samlp:Status xml:id=\"\(id)\">") },
            expected: .duplicateID(id)),
        SignatureAttack(
            name: "XPath transform",
            build: resigned(SigningOptions(referenceTransforms: [.envelopedSignature, .xpath("1")])),
            expected: .disallowedTransform(ReferenceTransform.xpathURI)),
        SignatureAttack(
            name: "XSLT transform",
            build: {
                $0.replacingFirst(
                    ReferenceTransform.envelopedSignatureURI, with: "http://www.w3.org/TR/1999/REC-xslt-19991116")
            },
            expected: .disallowedTransform("http://www.w3.org/TR/1999/REC-xslt-19991116")),
        SignatureAttack(
            name: "exclusive c14n #WithComments transform",
            build: resigned(
                SigningOptions(referenceTransforms: [.envelopedSignature, .canonicalization(.exclusiveWithComments)])),
            expected: .disallowedTransform(Canonicalization.exclusiveWithComments.uri)),
        SignatureAttack(
            name: "c14n 1.0 #WithComments transform",
            build: resigned(
                SigningOptions(
                    referenceTransforms: [.envelopedSignature, .canonicalization(.inclusive10WithComments)])),
            expected: .disallowedTransform(Canonicalization.inclusive10WithComments.uri)),
        SignatureAttack(
            name: "c14n 1.1 #WithComments CanonicalizationMethod",
            build: resigned(SigningOptions(canonicalization: .inclusive11WithComments)),
            expected: .disallowedCanonicalization(Canonicalization.inclusive11WithComments.uri)),
        SignatureAttack(
            name: "exclusive #WithComments CanonicalizationMethod",
            build: resigned(SigningOptions(canonicalization: .exclusiveWithComments)),
            expected: .disallowedCanonicalization(Canonicalization.exclusiveWithComments.uri)),
        SignatureAttack(
            name: "canonicalization before enveloped",
            build: { xml in
                let enveloped = "<ds:Transform Algorithm=\"\(ReferenceTransform.envelopedSignatureURI)\"/>"
                let c14n = "<ds:Transform Algorithm=\"\(Canonicalization.exclusive.uri)\"/>"
                return xml.replacingFirst(enveloped + "\n" + c14n, with: c14n + "\n" + enveloped)
            },
            expected: .transformSequence(actual: [
                Canonicalization.exclusive.uri, ReferenceTransform.envelopedSignatureURI,
            ])),
        SignatureAttack(
            name: "two canonicalizations",
            build: resigned(
                SigningOptions(referenceTransforms: [
                    .envelopedSignature, .canonicalization(.exclusive), .canonicalization(.inclusive10),
                ])),
            expected: .transformSequence(actual: [
                ReferenceTransform.envelopedSignatureURI, Canonicalization.exclusive.uri,
                Canonicalization.inclusive10.uri,
            ])),
        SignatureAttack(
            name: "no enveloped transform",
            build: { xml in
                xml.replacingFirst(try xml.section(from: "<ds:Transforms>", through: "</ds:Transforms>"), with: "")
            }, expected: .transformSequence(actual: [])),
        SignatureAttack(
            name: "HMAC signature method",
            build: {
                $0.replacingFirst(SignatureAlgorithm.rsaSHA256.uri, with: "http://www.w3.org/2000/09/xmldsig#hmac-sha1")
            },
            expected: .disallowedAlgorithm("http://www.w3.org/2000/09/xmldsig#hmac-sha1")),
        SignatureAttack(
            name: "MD5 digest",
            build: {
                $0.replacingFirst(DigestAlgorithm.sha256.uri, with: "http://www.w3.org/2001/04/xmldsig-more#md5")
            },
            expected: .disallowedAlgorithm("http://www.w3.org/2001/04/xmldsig-more#md5")),
        SignatureAttack(
            name: "RSA-SHA1 without allowSHA1",
            build: resigned(SigningOptions(signatureAlgorithm: .rsaSHA1, digestAlgorithm: .sha1)),
            expected: .sha1NotAllowed(SignatureAlgorithm.rsaSHA1.uri)),
        SignatureAttack(
            name: "untrusted key, its certificate in KeyInfo",
            build: resigned(SigningOptions(), by: Identities.otherRSA),
            expected: .untrustedKey(fingerprint: Identities.otherRSA.opensslFingerprint)),
        SignatureAttack(
            name: "untrusted key, no KeyInfo",
            build: resigned(SigningOptions(includeCertificate: false), by: Identities.otherRSA),
            expected: .untrustedKey(fingerprint: nil)),
        SignatureAttack(
            name: "untrusted key claiming the trusted certificate in KeyInfo",
            build: { _ in
                try Signed.assertion(by: Identities.otherRSA).replacingCertificate(
                    with: Identities.idpRSA.certificateBase64)
            }, expected: .invalidSignature),
        SignatureAttack(
            name: "ECDSA signature while only an RSA certificate is trusted",
            build: resigned(SigningOptions(signatureAlgorithm: .ecdsaSHA256), by: Identities.idpP256),
            expected: .untrustedKey(fingerprint: Identities.idpP256.opensslFingerprint)),
    ]

    @Test(arguments: attacks)
    func attackIsRejected(attack: SignatureAttack) throws {
        let xml = try attack.build(try Signed.assertion())
        let result = try Signed.verifyAssertion(xml, keys: attack.keys())
        #expect(result.failure == attack.expected)
        #expect(result.failure?.description.isEmpty == false)
    }

    /// Comment truncation: the IdP signed `alice@example.com.evil.com`; a comment inserted after the
    /// signature leaves the comment-free canonical form (and the digest) unchanged, so the signature is
    /// valid — and it is `singleTextNode()` that lets the SAML layer refuse the value.
    @Test func commentInNameIDIsCaughtByTheTextRule() throws {
        let xml = try Signed.assertion(in: SAMLSamples.response(nameID: "alice@example.com.evil.com"))
            .replacingFirst(">alice@example.com.evil.com<", with: ">alice@example.com<!-- -->.evil.com<")
        let verified = try #require(try Signed.verifyAssertion(xml).verified)
        let nameID = try #require(verified.element.descendantElements.first { $0.localName == "NameID" })
        #expect(nameID.singleTextNode() == .failure(.containsComment))
    }

    /// XSW: the signed Assertion is moved into Extensions and an unsigned evil one takes its place.
    /// The evil one has no signature; the genuine one still verifies and is the node returned.
    @Test func wrappedAssertionVerifiesAsTheGenuineNodeOnly() throws {
        let signed = try Signed.assertion()
        let genuine = try signed.section(from: "<saml:Assertion", through: "</saml:Assertion>")
        let evil = try SAMLSamples.response(assertionID: "_evil", nameID: "admin@example.com")
            .section(from: "<saml:Assertion", through: "</saml:Assertion>")
        let wrapped = signed.replacingFirst(genuine, with: evil)
            .replacingFirst("<samlp:Status>", with: "<samlp:Extensions>\(genuine)</samlp:Extensions><samlp:Status>")
        let document = try LibXMLDocument.parse(wrapped)
        let verifier = SignatureVerifier(keys: try Identities.idpRSA.trustedKeys())
        let assertions = ([document.rootElement] + document.rootElement.descendantElements).filter {
            $0.hasName(.samlAssertion)
        }
        #expect(assertions.count == 2)
        let (inExtensions, evilNode) = (assertions[0], assertions[1])
        #expect(verifier.verifyEnvelopedSignature(on: evilNode).failure == .noSignature)
        let verified = try #require(verifier.verifyEnvelopedSignature(on: inExtensions).verified)
        #expect(verified.element == inExtensions)
        #expect(verified.element != evilNode)
        #expect(verified.element.parent?.localName == "Extensions")
        let nameID = try #require(verified.element.descendantElements.first { $0.localName == "NameID" })
        #expect(try nameID.singleTextNode().get() == "alice@example.com")
    }

    /// XSW: the evil Assertion carries the genuine signature (referencing the genuine ID), the genuine
    /// Assertion hides in Extensions. The evil node's signature does not reference it.
    @Test func stolenSignatureDoesNotSignTheEvilAssertion() throws {
        let signed = try Signed.assertion()
        let genuine = try signed.section(from: "<saml:Assertion", through: "</saml:Assertion>")
        let signature = try Self.signatureElement(signed)
        let evil = try SAMLSamples.response(assertionID: "_evil", nameID: "admin@example.com")
            .section(from: "<saml:Assertion", through: "</saml:Assertion>")
            .replacingFirst("</saml:Issuer>", with: "</saml:Issuer>" + signature)
        let genuineUnsigned = genuine.replacingFirst(signature, with: "")
        for (label, xml) in [
            (
                "genuine kept elsewhere",
                signed.replacingFirst(genuine, with: evil + "<!--x-->")
                    .replacingFirst(
                        "<samlp:Status>", with: "<samlp:Extensions>\(genuineUnsigned)</samlp:Extensions><samlp:Status>")
            ),
            (
                "evil takes the genuine ID",
                signed.replacingFirst(genuine, with: evil.replacingFirst("ID=\"_evil\"", with: "ID=\"\(Self.id)\""))
                    .replacingFirst(
                        "<samlp:Status>", with: "<samlp:Extensions>\(genuineUnsigned)</samlp:Extensions><samlp:Status>")
            ),
        ] {
            let document = try LibXMLDocument.parse(xml)
            let evilNode = try #require(
                ([document.rootElement] + document.rootElement.descendantElements).last { $0.hasName(.samlAssertion) })
            let failure = SignatureVerifier(keys: try Identities.idpRSA.trustedKeys()).verifyEnvelopedSignature(
                on: evilNode
            ).failure
            let expected: SignatureFailure =
                label == "genuine kept elsewhere"
                ? .referenceURIMismatch(expected: "#_evil", actual: "#\(Self.id)") : .duplicateID(Self.id)
            #expect(failure == expected, "\(label)")
        }
    }
}
