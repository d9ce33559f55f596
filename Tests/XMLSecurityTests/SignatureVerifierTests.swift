import Testing
@_spi(Testing) import XMLSecurity

/// Valid signatures in every accepted variant verify, and name the node and key they proved.
@Suite(.timeLimit(.minutes(1)))
struct SignatureVerifierTests {
    static let rsaVariants: [(SignatureAlgorithm, DigestAlgorithm)] = [
        (.rsaSHA256, .sha256), (.rsaSHA384, .sha384), (.rsaSHA512, .sha512), (.rsaSHA256, .sha512),
    ]

    @Test(arguments: rsaVariants)
    func rsaRoundTrip(signature: SignatureAlgorithm, digest: DigestAlgorithm) throws {
        let xml = try Signed.assertion(options: SigningOptions(signatureAlgorithm: signature, digestAlgorithm: digest))
        let result = try Signed.verifyAssertion(xml)
        let verified = try #require(result.verified, "\(result.failure!)")
        #expect(verified.signatureAlgorithm == signature)
        #expect(verified.digestAlgorithm == digest)
        #expect(verified.key.sha256Fingerprint == Identities.idpRSA.opensslFingerprint)
        #expect(verified.element.attribute("ID") == SAMLSamples.assertionID)
        #expect(verified.element == verified.element.document.first(.samlAssertion))
    }

    static let ecVariants: [(SignatureAlgorithm, DigestAlgorithm)] = [
        (.ecdsaSHA256, .sha256), (.ecdsaSHA384, .sha384), (.ecdsaSHA512, .sha512),
    ]

    @Test(arguments: ecVariants)
    func ecdsaP256RoundTrip(signature: SignatureAlgorithm, digest: DigestAlgorithm) throws {
        let options = SigningOptions(signatureAlgorithm: signature, digestAlgorithm: digest)
        let xml = try Signed.assertion(by: Identities.idpP256, options: options)
        let result = try Signed.verifyAssertion(xml, keys: Identities.idpP256.trustedKeys())
        #expect(result.verified?.key.family == .ecdsa, "\(String(describing: result.failure))")
    }

    @Test func ecdsaP384RoundTrip() throws {
        let options = SigningOptions(signatureAlgorithm: .ecdsaSHA384, digestAlgorithm: .sha384)
        let xml = try Signed.assertion(by: Identities.idpP384, options: options)
        let result = try Signed.verifyAssertion(xml, keys: Identities.idpP384.trustedKeys())
        #expect(result.verified?.key.bits == 384, "\(String(describing: result.failure))")
    }

    static let canonicalizations: [(Canonicalization, [ReferenceTransform])] = [
        (.exclusive, [.envelopedSignature]),
        (.inclusive10, [.envelopedSignature, .canonicalization(.inclusive10)]),
        (.inclusive11, [.envelopedSignature, .canonicalization(.inclusive11)]),
        (.exclusive, [.envelopedSignature, .canonicalization(.inclusive11)]),
    ]

    @Test(arguments: canonicalizations)
    func acceptedCanonicalizations(c14n: Canonicalization, transforms: [ReferenceTransform]) throws {
        let options = SigningOptions(canonicalization: c14n, referenceTransforms: transforms)
        let result = try Signed.verifyAssertion(try Signed.assertion(options: options))
        #expect(result.verified?.canonicalization == c14n, "\(String(describing: result.failure))")
    }

    @Test func sha1IsRejectedByDefaultAndAcceptedWhenAllowed() throws {
        let options = SigningOptions(signatureAlgorithm: .rsaSHA1, digestAlgorithm: .sha1)
        let xml = try Signed.assertion(options: options)
        #expect(try Signed.verifyAssertion(xml).failure == .sha1NotAllowed(SignatureAlgorithm.rsaSHA1.uri))
        let allowed = try Signed.verifyAssertion(xml, policy: SignaturePolicy(allowSHA1: true))
        #expect(allowed.verified?.signatureAlgorithm == .rsaSHA1)

        let sha1Digest = try Signed.assertion(options: SigningOptions(digestAlgorithm: .sha1))
        #expect(try Signed.verifyAssertion(sha1Digest).failure == .sha1NotAllowed(DigestAlgorithm.sha1.uri))
        #expect(try Signed.verifyAssertion(sha1Digest, policy: SignaturePolicy(allowSHA1: true)).verified != nil)

        let ecdsaSHA1 = try Signed.assertion(
            by: Identities.idpP256, options: SigningOptions(signatureAlgorithm: .ecdsaSHA1, digestAlgorithm: .sha256))
        let ecKeys = try Identities.idpP256.trustedKeys()
        #expect(
            try Signed.verifyAssertion(ecdsaSHA1, keys: ecKeys).failure
                == .sha1NotAllowed(SignatureAlgorithm.ecdsaSHA1.uri))
        #expect(
            try Signed.verifyAssertion(ecdsaSHA1, keys: ecKeys, policy: SignaturePolicy(allowSHA1: true)).verified
                != nil)
    }

    /// Certificate rollover: any configured key may have signed; the result says which one.
    @Test func keyRolloverPicksTheMatchingKey() throws {
        let keys = try TrustedKeys(certificatesDER: [
            Identities.otherRSA.certificateDER, Identities.idpP256.certificateDER, Identities.idpRSA.certificateDER,
        ])
        let result = try Signed.verifyAssertion(try Signed.assertion(), keys: keys)
        #expect(result.verified?.key.sha256Fingerprint == Identities.idpRSA.opensslFingerprint)
    }

    @Test func signedResponseAndBothSigned() throws {
        let keys = try Identities.idpRSA.trustedKeys()
        let verifier = SignatureVerifier(keys: keys)
        let responseOnly = try LibXMLDocument.parse(try Signed.response())
        #expect(
            verifier.verifyEnvelopedSignature(on: responseOnly.rootElement).verified?.element
                == responseOnly.rootElement)
        #expect(verifier.verifyEnvelopedSignature(on: responseOnly.first(.samlAssertion)!).failure == .noSignature)

        let both = try LibXMLDocument.parse(try Signed.response(alsoAssertion: true))
        #expect(verifier.verifyEnvelopedSignature(on: both.rootElement).verified != nil)
        #expect(verifier.verifyEnvelopedSignature(on: both.first(.samlAssertion)!).verified != nil)
        // The Signature sits right after the Issuer, as the SAML schema requires.
        #expect(both.rootElement.childElements.map(\.localName).prefix(2) == ["Issuer", "Signature"])
    }

    /// KeyInfo is ignored: a trusted-key signature verifies whatever certificate the message carries.
    @Test func keyInfoNeverBlocksATrustedSignature() throws {
        let xml = try Signed.assertion()
        let variants = [
            xml.replacingCertificate(with: Identities.otherRSA.certificateBase64),
            xml.replacingCertificate(with: "bm90IGEgY2VydGlmaWNhdGU="),
            xml.replacingCertificate(with: "%%%garbage%%%"),
            xml.replacingFirst("<ds:X509Data>", with: "<ds:KeyName>attacker</ds:KeyName><ds:X509Data>"),
            try Signed.assertion(options: SigningOptions(includeCertificate: false)),
        ]
        for variant in variants {
            #expect(variant != xml)
            let result = try Signed.verifyAssertion(variant)
            #expect(result.verified != nil, "\(String(describing: result.failure))")
        }
    }

    @Test func verificationIsRepeatable() throws {
        let document = try LibXMLDocument.parse(try Signed.assertion())
        let verifier = SignatureVerifier(keys: try Identities.idpRSA.trustedKeys())
        for _ in 0..<3 {
            #expect(verifier.verifyEnvelopedSignature(on: document.first(.samlAssertion)!).verified != nil)
        }
    }

    @Test func trustedKeysReportFingerprintsAndFamilies() throws {
        let keys = try TrustedKeys(certificatesDER: [
            Identities.idpRSA.certificateDER, Identities.idpP256.certificateDER,
        ])
        #expect(keys.fingerprints == [Identities.idpRSA.opensslFingerprint, Identities.idpP256.opensslFingerprint])
        #expect(keys.keys.map(\.family) == [.rsa, .ecdsa])
        #expect(keys.keys.map(\.bits) == [2048, 256])
        #expect(keys.key(withFingerprint: Identities.idpRSA.opensslFingerprint.lowercased()) != nil)
        #expect(throws: XMLSecurityError.self) { try TrustedKeys(certificatesDER: [Array("not a cert".utf8)]) }
        #expect(throws: XMLSecurityError.self) { try TrustedKeys(certificatesDER: [Identities.idpRSA.certificatePEM]) }
        #expect(throws: XMLSecurityError.self) { try SigningKey(privateKeyPEM: Array("nope".utf8)) }
    }
}
