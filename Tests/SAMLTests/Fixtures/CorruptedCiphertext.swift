import Foundation
import SAML
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// One valid AES-128-CBC EncryptedAssertion and 200 copies whose ciphertext is corrupted, each with what
/// decryption makes of it: the material of the padding-oracle tests.
///
/// The Response is unsigned (the Assertion inside is signed), as a padding-oracle attacker needs: the
/// ciphertext can be changed without breaking a signature checked first. Only ciphertext blocks are
/// changed, never the IV: a changed IV alters just the first plaintext block, which can leave an
/// equivalent, still validly signed Assertion.
struct CorruptedCiphertext {
    /// Which bytes were changed. CBC decrypts block k as D(C[k]) ⊕ C[k−1]: changing C[k] garbles
    /// plaintext block k and flips the same bits of block k+1.
    enum Corruption: String, CaseIterable {
        /// The last block: its plaintext, padding length included, becomes random.
        case lastBlock
        /// The last byte of the penultimate block: flips bits of the padding length byte (sometimes
        /// still valid, then the garbled penultimate block reaches the parser).
        case penultimateBlock
        /// A block before those two: the padding is intact, the plaintext has 16 random bytes.
        case middleBlock
    }

    /// What decrypting a variant gives, found with ``ElementDecryptor`` directly (the tests check the
    /// validator's answers, so they must know the cause without asking the validator).
    enum Outcome: String, CaseIterable {
        /// xmlsec refused the padding (the oracle an attacker looks for).
        case badPadding
        /// The padding was accepted and the plaintext is not acceptable XML.
        case unparseable
        /// The plaintext parsed (the signature inside must then fail).
        case parsed
        /// Any other decryption failure.
        case otherFailure
    }

    /// One corrupted message.
    struct Variant {
        let corruption: Corruption
        let outcome: Outcome
        /// The SAMLResponse form value.
        let encoded: String
    }

    static let count = 200

    /// The uncorrupted message (accepted).
    let original: String
    let variants: [Variant]

    init() throws {
        let builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.contentAlgorithm = XMLNamespace.xmlEnc + "aes128-cbc"
        let assertion = try EncryptedMessage.signed(builder.assertionXML)
        let xml = builder.responseXML(containing: try EncryptedMessage.encrypt(assertion, options: options))
        original = EncryptedMessage.encoded(xml)
        let decryptor = ElementDecryptor(keys: [TestKeys.sp])
        variants = try (0..<Self.count).map { index in
            let corruption: Corruption =
                index < 70 ? .lastBlock : index < 140 ? .penultimateBlock : .middleBlock
            guard let edited = EncryptedMessage.editingCiphertext(of: xml, { Self.corrupt(&$0, index: index) })
            else { throw XMLSecurityError.encryptionFailed("no CipherValue in the EncryptedData") }
            return Variant(
                corruption: corruption, outcome: try Self.outcome(of: edited, decryptor: decryptor),
                encoded: EncryptedMessage.encoded(edited))
        }
    }

    /// Changes IV ‖ C[1] … C[n] deterministically for variant `index` (positions and deltas spread by
    /// multiplying with small primes, every delta non-zero).
    private static func corrupt(_ bytes: inout [UInt8], index: Int) {
        let blocks = bytes.count / 16 - 1
        switch index {
        case ..<70:
            bytes[16 * blocks + index % 16] ^= UInt8(1 + (index * 53) % 255)
        case ..<140:
            bytes[16 * (blocks - 1) + 15] ^= UInt8(index - 69)
        default:
            let step = index - 140
            let block = 1 + (step * 7) % (blocks - 2)
            bytes[16 * block + step % 16] ^= UInt8(1 + (step * 29) % 255)
        }
    }

    private static func outcome(of xml: String, decryptor: ElementDecryptor) throws -> Outcome {
        let document = try LibXMLDocument(parsing: Array(xml.utf8))
        guard let container = document.rootElement.firstChildElement(named: EncryptedMessage.encryptedAssertion)
        else { return .otherFailure }
        switch decryptor.decrypt(container) {
        case .success: return .parsed
        case .failure(.dataDecryption): return .badPadding
        case .failure(.plaintext): return .unparseable
        case .failure: return .otherFailure
        }
    }
}
