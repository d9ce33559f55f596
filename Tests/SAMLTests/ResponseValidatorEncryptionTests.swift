import Foundation
import SAML
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Rule 3 for encrypted assertions and NameIDs: what is accepted, and what is read from it.
///
/// The refusals are in ``ResponseValidatorEncryptionAttackTests`` (layout and algorithms),
/// ``ResponseValidatorDecryptionAttackTests`` (keys, plaintext, signatures) and
/// ``ResponseValidatorPaddingOracleTests`` (uniform answers to corrupted ciphertext).
@Suite(.timeLimit(.minutes(1)))
struct ResponseValidatorEncryptionTests {
    @Test(
        arguments: ["aes256-gcm", "aes128-gcm", "aes192-gcm"].map { XMLNamespace.xmlEnc11 + $0 }
            + ["aes128-cbc", "aes192-cbc", "aes256-cbc"].map { XMLNamespace.xmlEnc + $0 })
    func encryptedSignedAssertionIsAccepted(_ algorithm: String) throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.contentAlgorithm = algorithm
        builder.encryption = options
        let accepted = try #require(try Validation.run(builder).accepted, "\(algorithm)")
        #expect(accepted.response.identity == "alice@example.com")
    }

    /// What the SP metadata offers an IdP is what decryption takes.
    @Test(arguments: AcceptedEncryption.contentAlgorithmURIs)
    func everyAlgorithmTheMetadataOffersDecrypts(_ algorithm: String) throws {
        #expect(AcceptedEncryption.keyTransportURIs == [EncryptionOptions().keyTransport])
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.contentAlgorithm = algorithm
        builder.encryption = options
        #expect(try Validation.run(builder).accepted != nil, "\(algorithm)")
    }

    @Test(arguments: [EncryptionOptions.KeyPlacement.inline, .retrievalMethod(uri: "#_ek1")])
    func encryptedKeyInlineOrNamedByARetrievalMethodIsAccepted(placement: EncryptionOptions.KeyPlacement) throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.keyPlacement = placement
        builder.encryption = options
        let result = try Validation.run(builder)
        let accepted = try #require(result.accepted, "\(placement): \(String(describing: result.rejection))")
        #expect(accepted.response.assertionID == builder.assertionID)
    }

    /// With `.response` the Response signature covers the ciphertext and vouches for the plaintext.
    @Test(arguments: [ResponseBuilder.Signing.assertion, .response, .both])
    func eachSigningStyleIsAcceptedEncrypted(signing: ResponseBuilder.Signing) throws {
        var builder = ResponseBuilder()
        builder.signing = signing
        builder.encryption = EncryptionOptions()
        let result = try Validation.run(builder)
        let accepted = try #require(result.accepted, "\(signing): \(String(describing: result.rejection))")
        #expect(accepted.response.identity == "alice@example.com")
        #expect(accepted.response.givenName == "Alice" && accepted.response.familyName == "Liddell")
        #expect(accepted.response.signedElement == (signing == .response ? .response : .assertion))
    }

    /// SHA-1 is the OAEP digest of `rsa-oaep-mgf1p`; an IdP that names it explicitly is fine.
    @Test func anExplicitSHA1OAEPDigestIsAccepted() throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.oaepDigest = XMLNamespace.xmlDSig + "sha1"
        builder.encryption = options
        let xml = try builder.signedXML()
        #expect(xml.contains("<ds:DigestMethod Algorithm=\"\(XMLNamespace.xmlDSig)sha1\"/>"))
        #expect(try Validation.run(EncryptedMessage.encoded(xml)).accepted != nil)
    }

    /// Key rollover: the IdP already encrypts to the `next` certificate while `active` is still listed first.
    @Test func theNextKeyDecryptsWhatTheIdPEncryptedToIt() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        builder.encryptionCertificateDER = TestKeys.spNextDER
        let keys = [TestKeys.sp, TestKeys.spNext]
        #expect(try Validation.run(builder, decryptionKeys: keys).accepted != nil)
        builder.encryptionCertificateDER = TestKeys.spDER
        #expect(try Validation.run(builder, decryptionKeys: keys).accepted != nil)
    }

    @Test func encryptedNameIDIsTheIdentity() throws {
        var builder = ResponseBuilder()
        builder.attributes = []
        builder.nameIDContent = "bob@example.com"
        builder.nameIDEncryption = EncryptionOptions()
        let encoded = try builder.encoded()
        #expect(!String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self).contains("bob@example.com"))
        let response = try #require(try Validation.run(encoded).accepted).response
        #expect(response.identity == "bob@example.com" && response.nameID == "bob@example.com")
    }

    @Test func encryptedNameIDInsideAnEncryptedAssertionIsAccepted() throws {
        var builder = ResponseBuilder()
        builder.attributes = []
        builder.nameIDContent = "carol@example.com"
        builder.nameIDEncryption = EncryptionOptions()
        var options = EncryptionOptions()
        options.contentAlgorithm = XMLNamespace.xmlEnc + "aes128-cbc"
        options.keyPlacement = .retrievalMethod()
        builder.encryption = options
        #expect(try Validation.run(builder).accepted?.response.identity == "carol@example.com")
    }

    @Test func requireEncryptionAcceptsAnEncryptedAssertion() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let policy = IdentityProviderPolicy(requireEncryption: true)
        #expect(try Validation.run(builder, policy: policy).accepted != nil)
    }

    /// KeyName is a hint for IdPs with several SP certificates; it selects nothing here and does no harm.
    @Test func aKeyNameBesideTheEncryptedKeyIsIgnored() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let keyInfo = "<ds:KeyInfo xmlns:ds=\"\(XMLNamespace.xmlDSig)\">"
        let xml = try builder.signedXML().replacingOccurrences(
            of: keyInfo, with: keyInfo + "<ds:KeyName>some other key</ds:KeyName>")
        #expect(xml.contains("<ds:KeyName>"))
        #expect(try Validation.run(EncryptedMessage.encoded(xml)).accepted != nil)
    }
}
