import Foundation
import SAML
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Rules 1, 3 and 4 around decryption: the SP keys, what the plaintext may be, which signature vouches
/// for it, and the EncryptedID. Anyone can encrypt to the SP certificate, so every plaintext here is
/// one an attacker could send.
@Suite(.timeLimit(.minutes(1)))
struct ResponseValidatorDecryptionAttackTests {
    // MARK: Keys.

    @Test func ciphertextForAnotherCertificateIsRefusedNamingTheCause() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        builder.encryptionCertificateDER = TestKeys.attackerDER
        let rejection = try #require(
            try Validation.run(builder, decryptionKeys: [TestKeys.sp, TestKeys.spNext]).rejection)
        #expect(rejection.check == .decryption && !rejection.isMalformed, "\(rejection)")
        #expect(rejection.reason.contains("none of the account's 2 SP key(s) decrypts"), "\(rejection)")
    }

    @Test func anAccountWithoutSPKeysCannotDecrypt() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let rejection = try #require(try Validation.run(builder, decryptionKeys: []).rejection)
        #expect(rejection.check == .decryption && rejection.reason.contains("no SP key"), "\(rejection)")
    }

    @Test func tamperedCiphertextIsRefusedAsDecryption() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let xml = try builder.signedXML()
        let tampered = try #require(EncryptedMessage.editingCiphertext(of: xml) { $0[$0.count / 2] ^= 0x01 })
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(tampered)).rejection)
        #expect(rejection.check == .decryption, "\(rejection)")
        #expect(rejection.reason.contains("could not be decrypted"), "\(rejection)")
    }

    // MARK: Size (rule 1 bounds the message before anything is decrypted).

    /// Base64 `A`s prepended to the EncryptedData's CipherValue: past 256 KiB the document itself is
    /// refused; below, it is parsed, and the shifted ciphertext does not decrypt.
    @Test(arguments: [(300_000, ValidationCheck.xml), (200_000, .decryption)])
    func anOversizeEncryptedDataIsRefused(extraBase64: Int, check: ValidationCheck) throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let xml = try builder.signedXML()
        let range = try #require(EncryptedMessage.dataCipherValueRange(in: xml))
        let padded = xml.replacingCharacters(
            in: range.lowerBound..<range.lowerBound, with: String(repeating: "A", count: extraBase64))
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(padded)).rejection)
        #expect(rejection.check == check, "\(rejection)")
        if check == .xml {
            #expect(rejection.isMalformed && rejection.reason.contains("more than the limit of 262144 bytes"))
        }
    }

    // MARK: What the plaintext may be.

    static let issuer =
        #"<saml:Issuer xmlns:saml="\#(XMLNamespace.samlAssertion)">\#(ResponseBuilder.idpEntityID)</saml:Issuer>"#

    enum Plaintext: String, CaseIterable {
        case doctype, twoAssertions, issuerRoot, notXML, tooDeep, latin1

        func text(assertion: String) -> String {
            switch self {
            case .doctype: #"<!DOCTYPE a [<!ENTITY e "alice@example.com">]>"# + assertion
            case .twoAssertions: assertion + assertion
            case .issuerRoot: ResponseValidatorDecryptionAttackTests.issuer
            case .notXML: "alice@example.com, admin, 2026-11-30"
            case .tooDeep: String(repeating: "<a>", count: 70) + String(repeating: "</a>", count: 70)
            case .latin1: #"<?xml version="1.0" encoding="ISO-8859-1"?>"# + assertion
            }
        }

        var reasonFragment: String {
            switch self {
            case .doctype: "DOCTYPE"
            case .twoAssertions: "not acceptable XML"
            case .issuerRoot: "does not decrypt to one Assertion"
            case .notXML: "not acceptable XML"
            case .tooDeep: "nested deeper"
            case .latin1: "ISO-8859-1"
            }
        }
    }

    /// The plaintext is parsed as its own document under the message's rules, then must be one
    /// Assertion; the Response is signed, so nothing but the plaintext is wrong.
    @Test(arguments: Plaintext.allCases)
    func unacceptablePlaintextIsRefusedAsDecryption(_ plaintext: Plaintext) throws {
        let builder = ResponseBuilder()
        let assertion = try EncryptedMessage.signed(builder.assertionXML)
        let encrypted = try EncryptedMessage.encrypt(plaintext.text(assertion: assertion))
        let xml = try EncryptedMessage.signed(builder.responseXML(containing: encrypted))
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(xml)).rejection, "\(plaintext)")
        #expect(rejection.check == .decryption && !rejection.isMalformed, "\(plaintext): \(rejection)")
        #expect(rejection.reason.contains(plaintext.reasonFragment), "\(plaintext): \(rejection)")
    }

    // MARK: Which signature vouches for the plaintext.

    @Test func anUnsignedAssertionInAnUnsignedResponseIsRefused() throws {
        var builder = ResponseBuilder()
        builder.signing = .none
        builder.encryption = EncryptionOptions()
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .signature, "\(rejection)")
        #expect(rejection.reason.contains("neither the decrypted Assertion nor the Response is signed"))
    }

    /// An attacker can encrypt to the SP certificate; what they cannot do is sign with the IdP's key.
    @Test func aForgedAssertionEncryptedToTheSPIsRefused() throws {
        var builder = ResponseBuilder()
        builder.key = TestKeys.attacker
        builder.nameIDContent = "mallory@example.com"
        builder.encryption = EncryptionOptions()
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .signature && rejection.reason.contains("not one of this account's certificates"))
    }

    /// The Response signature is checked before anything is decrypted: with no SP key at all the answer
    /// is still the signature's, so a tampered ciphertext never reaches the decryptor.
    @Test(arguments: [[TestKeys.sp], []])
    func aTamperedResponseSignatureIsRefusedBeforeDecryption(keys: [DecryptionKey]) throws {
        var builder = ResponseBuilder()
        builder.signing = .response
        builder.encryption = EncryptionOptions()
        let xml = try builder.signedXML()
        let tampered = try #require(EncryptedMessage.editingCiphertext(of: xml) { $0[$0.count / 2] ^= 0x01 })
        let rejection = try #require(
            try Validation.run(EncryptedMessage.encoded(tampered), decryptionKeys: keys).rejection)
        #expect(rejection.check == .signature && rejection.reason.contains("Response"), "\(rejection)")
    }

    @Test func aResponseSignedByAnUntrustedKeyIsRefusedBeforeDecryption() throws {
        var builder = ResponseBuilder()
        builder.signing = .response
        builder.key = TestKeys.attacker
        builder.encryption = EncryptionOptions()
        let rejection = try #require(try Validation.run(builder, decryptionKeys: []).rejection)
        #expect(rejection.check == .signature && rejection.reason.contains("Response signature"), "\(rejection)")
    }

    /// Every signature present must verify: a valid Response signature does not excuse a forged one inside.
    @Test func aForgedSignatureInsideThePlaintextIsNotRescuedByTheResponseSignature() throws {
        let builder = ResponseBuilder()
        let forged = try EncryptedMessage.signed(builder.assertionXML, key: TestKeys.attacker)
        let xml = try EncryptedMessage.signed(builder.responseXML(containing: EncryptedMessage.encrypt(forged)))
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(xml)).rejection)
        #expect(rejection.check == .signature && rejection.reason.contains("Assertion signature"), "\(rejection)")
    }

    /// Signature wrapping inside the plaintext: an unsigned evil Assertion carrying the signed one in its
    /// Advice, with another ID or the same one.
    @Test(arguments: [false, true])
    func wrappingInsideThePlaintextIsRefused(sameID: Bool) throws {
        let builder = ResponseBuilder()
        let signed = try EncryptedMessage.signed(builder.assertionXML)
        var evil = builder
        evil.nameIDContent = "mallory@example.com"
        evil.attributes = [("email", ["mallory@example.com"])]
        if !sameID { evil.assertionID = "_evil" }
        let wrapped = evil.assertionXML.replacingOccurrences(
            of: "</saml:Conditions>", with: "</saml:Conditions><saml:Advice>\(signed)</saml:Advice>")
        let xml = builder.responseXML(containing: try EncryptedMessage.encrypt(wrapped))
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(xml)).rejection)
        // Rule 3 sees the second Assertion in the plaintext before any signature is looked at.
        #expect(rejection.check == .assertionCount, "\(rejection)")
    }

    /// Rule 3 allows one Assertion anywhere: a signed Assertion carrying another in its Advice is refused
    /// in the clear, and must be refused the same way when it arrives encrypted.
    @Test func anAssertionNestedInTheDecryptedAssertionIsRefusedAsInTheClear() throws {
        let builder = ResponseBuilder()
        var inner = ResponseBuilder()
        inner.nameIDContent = "mallory@example.com"
        let withAdvice = builder.assertionXML.replacingOccurrences(
            of: "</saml:Conditions>", with: "</saml:Conditions><saml:Advice>\(inner.assertionXML)</saml:Advice>")
        let signed = try EncryptedMessage.signed(withAdvice)
        let inTheClear = try Validation.run(EncryptedMessage.encoded(builder.responseXML(containing: signed)))
        #expect(inTheClear.rejection?.check == .assertionCount)
        let encrypted = builder.responseXML(containing: try EncryptedMessage.encrypt(signed))
        let result = try Validation.run(EncryptedMessage.encoded(encrypted))
        #expect(result.rejection?.check == .assertionCount, "\(result)")
    }

    @Test func requireEncryptionRefusesAPlaintextAssertion() throws {
        let policy = IdentityProviderPolicy(requireEncryption: true)
        let rejection = try #require(try Validation.run(ResponseBuilder(), policy: policy).rejection)
        #expect(rejection.check == .encryptionRequired && !rejection.isMalformed)
        #expect(rejection.expected == "EncryptedAssertion" && rejection.actual == "Assertion")
    }

    // MARK: EncryptedID.

    @Test func anEncryptedIDThatIsNotANameIDIsRefused() throws {
        let builder = ResponseBuilder()
        let issuer = #"<saml:Issuer xmlns:saml="\#(XMLNamespace.samlAssertion)">alice@example.com</saml:Issuer>"#
        let encryptedID = try EncryptedMessage.encrypt(issuer, container: EncryptedMessage.encryptedID)
        let assertion = try #require(EncryptedMessage.replacingNameID(in: builder.assertionXML, with: encryptedID))
        let xml = builder.responseXML(containing: try EncryptedMessage.signed(assertion))
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(xml)).rejection)
        #expect(rejection.check == .decryption, "\(rejection)")
        #expect(rejection.reason.contains("EncryptedID does not decrypt to one NameID"), "\(rejection)")
    }

    @Test func anEncryptedIDForAnotherCertificateIsRefused() throws {
        var builder = ResponseBuilder()
        builder.nameIDEncryption = EncryptionOptions()
        builder.encryptionCertificateDER = TestKeys.attackerDER
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .decryption && rejection.reason.contains("EncryptedID"), "\(rejection)")
    }

    @Test func anEncryptedIDBesideANameIDIsRefused() throws {
        var builder = ResponseBuilder()
        builder.nameIDEncryption = EncryptionOptions()
        let nameID =
            #"<saml:NameID xmlns:saml="\#(XMLNamespace.samlAssertion)">mallory@example.com</saml:NameID>"#
        let assertion = builder.assertionXML.replacingOccurrences(
            of: "<saml:SubjectConfirmation ", with: nameID + "<saml:SubjectConfirmation ")
        let xml = builder.responseXML(containing: try EncryptedMessage.signed(assertion))
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(xml)).rejection)
        #expect(rejection.check == .nameID && rejection.actual == "2", "\(rejection)")
    }
}
