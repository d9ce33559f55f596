import Credentials
import Endpoints
import Foundation
import HTTP
import SAML
import Store
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// The account's own keys at work: signed AuthnRequests (HTTP-Redirect and HTTP-POST), the metadata
/// that publishes the keys, encrypted assertions through the ACS, rollover, and a missing secret file.
struct SSOGatewaySPKeyTests {
    // MARK: Signed AuthnRequests.

    @Test func loginRedirectIsSignedWithTheActiveKeyOverTheExactQueryOctets() throws {
        let harness = try GatewayHarness()
        let response = harness.get("/sso/acme/login", query: "return_to=/tickets")
        #expect(response.status == 302)
        let location = try #require(response.header("Location"))
        let query = try #require(location.split(separator: "?", maxSplits: 1).last.map(String.init))
        let range = try #require(query.range(of: "&Signature="))
        let signedOctets = String(query[..<range.lowerBound])
        #expect(signedOctets.hasPrefix("SAMLRequest=") && signedOctets.contains("&RelayState="))
        #expect(signedOctets.hasSuffix("&SigAlg=" + URLEncoding.queryValue(AuthnRequest.redirectSignatureAlgorithm)))
        let encoded = try #require(String(query[range.upperBound...]).removingPercentEncoding)
        let signature = try #require(Data(base64Encoded: encoded))
        #expect(signature.count == 256)
        #expect(
            try OpenSSLCommand.verify(
                Array(signedOctets.utf8), signature: [UInt8](signature), certificate: "sp-rsa-cert.pem"))
        #expect(
            try !OpenSSLCommand.verify(
                Array((signedOctets + "x").utf8), signature: [UInt8](signature), certificate: "sp-rsa-cert.pem"))
    }

    @Test func loginRedirectIsUnsignedWhenSignRequestsIsOff() throws {
        let harness = try GatewayHarness { $0.signRequests = false }
        let location = try #require(harness.get("/sso/acme/login").header("Location"))
        #expect(location.contains("SAMLRequest=") && !location.contains("Signature=") && !location.contains("SigAlg="))
    }

    @Test func postBindingSendsAnAutoSubmittingFormWithAnEnvelopedSignature() throws {
        let harness = try GatewayHarness { $0.requestBinding = .post }
        let response = harness.get("/sso/acme/login")
        #expect(response.status == 200)
        let csp = try #require(response.header("Content-Security-Policy"))
        #expect(csp.contains("form-action https://idp.example.com;") && csp.contains("script-src 'sha256-"))
        #expect(!csp.contains("form-action 'self'"))
        let html = GatewayHarness.text(response)
        #expect(html.contains("<form method=\"post\" action=\"https://idp.example.com/sso\">"))
        let value = try #require(Self.hiddenValue("SAMLRequest", in: html))
        #expect(Self.hiddenValue("RelayState", in: html) != nil)
        let xml = try #require(Data(base64Encoded: value))
        let document = try LibXMLDocument(parsing: [UInt8](xml))
        let verifier = SignatureVerifier(keys: try TrustedKeys(certificatesDER: [TestKeys.spDER]))
        guard case .valid(let verified) = verifier.verifyEnvelopedSignature(on: document.rootElement) else {
            Issue.record("the AuthnRequest's signature does not verify with the SP certificate")
            return
        }
        #expect(verified.element.localName == "AuthnRequest")
        let id = try #require(document.rootElement.attribute("ID"))
        #expect(
            try harness.store.write {
                try $0.consumeRequest(accountID: harness.accountID, requestID: id, now: harness.now)
            } != nil)
    }

    @Test func postBindingWithoutSigningCarriesNoSignature() throws {
        let harness = try GatewayHarness {
            $0.requestBinding = .post
            $0.signRequests = false
        }
        let html = GatewayHarness.text(harness.get("/sso/acme/login"))
        let value = try #require(Self.hiddenValue("SAMLRequest", in: html))
        let xml = String(decoding: try #require(Data(base64Encoded: value)), as: UTF8.self)
        #expect(xml.contains("AuthnRequest") && !xml.contains("Signature"))
    }

    @Test func aMissingSecretFileRefusesSignedSignInButNothingElse() throws {
        let reason = "cannot read the secret file /etc/samlgate/secret.key: no such file"
        let harness = try GatewayHarness(secret: .unavailable(reason: reason))
        let response = harness.get("/sso/acme/login")
        #expect(response.status == 503)
        #expect(response.logMetadata["outcome"] == "sp_key_unavailable")
        #expect(response.logMetadata["error"]?.contains("/etc/samlgate/secret.key") == true)
        #expect(GatewayHarness.text(response).contains(try #require(response.logMetadata["reference"])))
        // Nothing else needs the private key: the metadata, the password page and plain assertions work.
        #expect(GatewayHarness.text(harness.get("/sso/acme/metadata")).contains("KeyDescriptor use=\"encryption\""))
        #expect(harness.get("/sso/acme/login", query: "password=1").status == 200)
        #expect(GatewayHarness.sessionCookie(harness.postACS(try ResponseBuilder.valid().encoded())) != nil)
        // An encrypted one cannot be read, and says why in the log.
        var encrypted = ResponseBuilder.valid()
        encrypted.assertionID = "_encrypted"
        encrypted.encryption = EncryptionOptions()
        #expect(harness.postACS(try encrypted.encoded()).status == 403)
        #expect(try harness.log().first?.reason.contains("no SP key") == true)
    }

    // MARK: Metadata.

    @Test func metadataPublishesTheActiveAndNextKeysForSigningAndEncryption() throws {
        let harness = try GatewayHarness(spKeys: [("sp-rsa", .active), ("sp-next", .next), ("idp-rsa", .retired)])
        let xml = GatewayHarness.text(harness.get("/sso/acme/metadata"))
        for der in [TestKeys.spDER, TestKeys.spNextDER] {
            #expect(xml.components(separatedBy: Data(der).base64EncodedString()).count == 3)
        }
        #expect(!xml.contains(Data(TestKeys.idpRSADER).base64EncodedString()))
        #expect(xml.components(separatedBy: "<md:KeyDescriptor use=\"signing\">").count == 3)
        #expect(xml.contains("AuthnRequestsSigned=\"true\""))
        #expect(xml.contains("<md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>"))

        try harness.changeSettings { $0.signRequests = false }
        #expect(GatewayHarness.text(harness.get("/sso/acme/metadata")).contains("AuthnRequestsSigned=\"false\""))
    }

    // MARK: Encrypted assertions through the ACS.

    @Test(arguments: [
        XMLNamespace.xmlEnc11 + "aes256-gcm", XMLNamespace.xmlEnc + "aes128-cbc", XMLNamespace.xmlEnc + "aes256-cbc",
    ])
    func anEncryptedAssertionSignsIn(_ algorithm: String) throws {
        let harness = try GatewayHarness()
        var builder = ResponseBuilder.valid()
        var options = EncryptionOptions()
        options.contentAlgorithm = algorithm
        builder.encryption = options
        #expect(GatewayHarness.sessionCookie(harness.postACS(try builder.encoded())) != nil)
        let sessions = try harness.sessions()
        #expect(sessions.count == 1, "\(sessions)")
    }

    @Test func rolloverNextDecryptsBeforeActivationRetiredAfterRemovedNever() throws {
        let harness = try GatewayHarness(spKeys: [("sp-rsa", .active), ("sp-next", .next)])
        func signIn(encryptingTo der: [UInt8], id: String) throws -> Bool {
            var builder = ResponseBuilder.valid()
            builder.assertionID = id
            builder.encryption = EncryptionOptions()
            builder.encryptionCertificateDER = der
            return GatewayHarness.sessionCookie(harness.postACS(try builder.encoded())) != nil
        }
        #expect(try signIn(encryptingTo: TestKeys.spNextDER, id: "_to-next-before"))
        let keys = try harness.store.read { try $0.spKeys(accountID: harness.accountID) }
        let next = try #require(keys.first { $0.state == .next })
        let old = try #require(keys.first { $0.state == .active })
        try harness.store.write { try $0.activateSPKey(accountID: harness.accountID, id: next.id) }
        #expect(try signIn(encryptingTo: TestKeys.spDER, id: "_to-retired"))
        #expect(try signIn(encryptingTo: TestKeys.spNextDER, id: "_to-active"))
        try harness.store.write { try $0.removeSPKey(accountID: harness.accountID, id: old.id) }
        #expect(try !signIn(encryptingTo: TestKeys.spDER, id: "_to-removed"))
        #expect(try harness.log().first?.failedCheck == "decryption")
    }

    @Test func requireEncryptionRefusesAPlainAssertion() throws {
        let harness = try GatewayHarness { $0.requireEncryption = true }
        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 403)
        #expect(try harness.log().first?.failedCheck == "encryption_required")
        var encrypted = ResponseBuilder.valid()
        encrypted.encryption = EncryptionOptions()
        #expect(GatewayHarness.sessionCookie(harness.postACS(try encrypted.encoded())) != nil)
    }

    /// Whatever went wrong in decryption, the browser sees one answer: same status, same page but for
    /// the reference, so a padding or parse error can never be told apart (the log names each cause).
    @Test func everyDecryptionFailureLooksTheSameToTheBrowser() throws {
        let harness = try GatewayHarness()
        var variants: [String] = []
        var otherKey = ResponseBuilder.valid()
        otherKey.encryption = EncryptionOptions()
        otherKey.encryptionCertificateDER = TestKeys.attackerDER
        variants.append(try otherKey.encoded())
        var cbc = ResponseBuilder.valid()
        var options = EncryptionOptions()
        options.contentAlgorithm = XMLNamespace.xmlEnc + "aes128-cbc"
        cbc.encryption = options
        variants.append(try cbc.encoded(tampering: Self.corruptLastCipherValue))
        var rsa15 = ResponseBuilder.valid()
        options.keyTransport = XMLNamespace.xmlEnc + "rsa-1_5"
        rsa15.encryption = options
        variants.append(try rsa15.encoded())
        var bodies: Set<String> = []
        for variant in variants {
            let response = harness.postACS(variant)
            #expect(response.status == 403)
            let reference = try #require(response.logMetadata["reference"])
            bodies.insert(GatewayHarness.text(response).replacingOccurrences(of: reference, with: "REF"))
        }
        #expect(bodies.count == 1)
        #expect(try Set(harness.log().map(\.failedCheck)) == ["decryption"])
        #expect(try Set(harness.log().map(\.reason)).count == 3)
    }

    // MARK: Helpers.

    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]).replacingOccurrences(of: "&#x2B;", with: "+") }
    }

    /// Flips one character in the last (data) CipherValue of the signed XML.
    static func corruptLastCipherValue(_ xml: String) -> String {
        guard let range = xml.range(of: "</xenc:CipherValue>", options: .backwards) else { return xml }
        var text = xml
        let index = text.index(range.lowerBound, offsetBy: -6)
        let replacement: Character = text[index] == "A" ? "B" : "A"
        text.replaceSubrange(index...index, with: String(replacement))
        return text
    }
}
