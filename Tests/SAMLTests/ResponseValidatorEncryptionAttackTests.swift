import Foundation
import SAML
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Rule 3 for encrypted assertions: refused algorithms, EncryptedAssertions in the wrong place, and
/// key references that would make the SP read or fetch something outside the encrypted element.
@Suite(.timeLimit(.minutes(1)))
struct ResponseValidatorEncryptionAttackTests {
    static let oaepMGF1P = XMLNamespace.xmlEnc + "rsa-oaep-mgf1p"

    /// Each refused algorithm, and the words its refusal must use so the admin knows what to ask the IdP for.
    enum RefusedAlgorithm: String, CaseIterable {
        case rsa15, tripleDES, keyWrap, xmlenc11RSAOAEP, sha256OAEPDigest, unknownContent

        var uri: String {
            switch self {
            case .rsa15: XMLNamespace.xmlEnc + "rsa-1_5"
            case .tripleDES: XMLNamespace.xmlEnc + "tripledes-cbc"
            case .keyWrap: XMLNamespace.xmlEnc + "kw-aes256"
            case .xmlenc11RSAOAEP: XMLNamespace.xmlEnc11 + "rsa-oaep"
            case .sha256OAEPDigest: XMLNamespace.xmlEnc + "sha256"
            case .unknownContent: "urn:example:rot13"
            }
        }

        var reasonFragment: String {
            switch self {
            case .rsa15: "RSA-1.5"
            case .tripleDES: "3DES"
            case .keyWrap: "key wrap"
            case .xmlenc11RSAOAEP, .sha256OAEPDigest: "xmlsec 1.3"
            case .unknownContent: "AES-GCM, AES-CBC"
            }
        }

        /// The message as an IdP using the algorithm sends it. xmlsec 1.2 cannot produce key wrap,
        /// xmlenc 1.1 RSA-OAEP or a SHA-256 OAEP digest here, so those are written into the XML by hand.
        func encoded() throws -> String {
            var builder = ResponseBuilder()
            var options = EncryptionOptions()
            switch self {
            case .rsa15: options.keyTransport = uri
            case .tripleDES: options.contentAlgorithm = uri
            default: break
            }
            builder.encryption = options
            let method = #"<xenc:EncryptionMethod Algorithm="\#(oaepMGF1P)"/>"#
            let edited: String
            switch self {
            case .keyWrap, .xmlenc11RSAOAEP:
                edited = #"<xenc:EncryptionMethod Algorithm="\#(uri)"/>"#
            case .sha256OAEPDigest:
                edited =
                    #"<xenc:EncryptionMethod Algorithm="\#(oaepMGF1P)"><ds:DigestMethod Algorithm="\#(uri)"/>"#
                    + "</xenc:EncryptionMethod>"
            case .unknownContent:
                return try builder.encoded {
                    $0.replacingOccurrences(of: options.contentAlgorithm, with: uri)
                }
            case .rsa15, .tripleDES:
                return try builder.encoded()
            }
            let xml = try builder.signedXML()
            #expect(xml.contains(method))
            return EncryptedMessage.encoded(xml.replacingOccurrences(of: method, with: edited))
        }
    }

    @Test(arguments: RefusedAlgorithm.allCases)
    func refusedAlgorithmsAreNamed(_ algorithm: RefusedAlgorithm) throws {
        let rejection = try #require(try Validation.run(algorithm.encoded()).rejection, "\(algorithm)")
        #expect(rejection.check == .decryption && !rejection.isMalformed, "\(algorithm): \(rejection)")
        #expect(rejection.reason.contains(algorithm.reasonFragment), "\(algorithm): \(rejection)")
        #expect(rejection.reason.contains(algorithm.uri), "\(algorithm): \(rejection)")
    }

    // MARK: Where the EncryptedAssertion is.

    @Test func anEncryptedAssertionBesideAPlaintextAssertionIsRefused() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        builder.extraResponseXML = try EncryptedMessage.signed(ResponseBuilder().assertionXML)
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .assertionCount, "\(rejection)")
        #expect(rejection.actual == "1 Assertion(s), 1 EncryptedAssertion(s)")
    }

    @Test func twoEncryptedAssertionsAreRefused() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        builder.extraResponseXML = try ResponseBuilder().encryptedAssertionXML(EncryptionOptions())
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .assertionCount && rejection.actual == "0 Assertion(s), 2 EncryptedAssertion(s)")
    }

    @Test func anEncryptedAssertionInsideExtensionsIsRefused() throws {
        let builder = ResponseBuilder()
        let encrypted = try builder.encryptedAssertionXML(EncryptionOptions())
        let xml = builder.responseXML(containing: "<samlp:Extensions>\(encrypted)</samlp:Extensions>")
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(xml)).rejection)
        #expect(rejection.check == .assertionCount && rejection.reason.contains("not a direct child"), "\(rejection)")
    }

    /// An EncryptedAssertion in the Advice of a signed plaintext Assertion (the Advice is signed, so only
    /// rule 3's count stops it).
    @Test func anEncryptedAssertionInsideTheAssertionsAdviceIsRefused() throws {
        let builder = ResponseBuilder()
        var evil = ResponseBuilder()
        evil.nameIDContent = "mallory@example.com"
        let encrypted = try evil.encryptedAssertionXML(EncryptionOptions())
        let assertion = builder.assertionXML.replacingOccurrences(
            of: "</saml:Conditions>", with: "</saml:Conditions><saml:Advice>\(encrypted)</saml:Advice>")
        let xml = builder.responseXML(containing: try EncryptedMessage.signed(assertion))
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(xml)).rejection)
        #expect(rejection.check == .assertionCount && rejection.actual == "1 Assertion(s), 1 EncryptedAssertion(s)")
    }

    // MARK: Where the key and the ciphertext come from.

    /// The sibling EncryptedKey moved out of the EncryptedAssertion into the Response: outside the
    /// encrypted element, so the RetrievalMethod may not name it.
    @Test func aRetrievalMethodToAnEncryptedKeyOutsideTheElementIsRefused() throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.keyPlacement = .retrievalMethod()
        builder.encryption = options
        let encoded = try builder.encoded { xml in
            guard let range = EncryptedMessage.encryptedKeyRange(in: xml) else { return xml }
            let key = String(xml[range])
            return xml.replacingOccurrences(of: key, with: "")
                .replacingOccurrences(of: "</saml:EncryptedAssertion>", with: "</saml:EncryptedAssertion>\(key)")
        }
        let rejection = try #require(try Validation.run(encoded).rejection)
        #expect(rejection.check == .decryption, "\(rejection)")
        #expect(rejection.reason.contains("RetrievalMethod") && rejection.reason.contains("not an EncryptedKey inside"))
    }

    @Test func aRetrievalMethodToAnExternalURIIsRefused() throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.keyPlacement = .retrievalMethod(uri: "http://evil.example/key")
        builder.encryption = options
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .decryption, "\(rejection)")
        #expect(rejection.reason.contains("RetrievalMethod") && rejection.reason.contains("http://evil.example/key"))
    }

    @Test func aRetrievalMethodNamingTwoEncryptedKeysIsRefused() throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.keyPlacement = .retrievalMethod()
        builder.encryption = options
        let encoded = try builder.encoded { xml in
            guard let range = EncryptedMessage.encryptedKeyRange(in: xml) else { return xml }
            return xml.replacingCharacters(in: range.upperBound..<range.upperBound, with: xml[range])
        }
        let rejection = try #require(try Validation.run(encoded).rejection)
        #expect(rejection.check == .decryption && rejection.reason.contains("2 EncryptedKeys"), "\(rejection)")
    }

    /// A sibling EncryptedKey is used only when a RetrievalMethod in the EncryptedData's KeyInfo names it.
    @Test func aSiblingEncryptedKeyThatNothingNamesIsNotUsed() throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.keyPlacement = .retrievalMethod()
        builder.encryption = options
        let retrievalMethod = ##"<ds:RetrievalMethod Type="\##(XMLNamespace.xmlEnc)EncryptedKey" URI="#_ek1"/>"##
        let xml = try builder.signedXML()
        #expect(xml.contains(retrievalMethod))
        let edited = xml.replacingOccurrences(of: retrievalMethod, with: "")
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(edited)).rejection)
        #expect(rejection.check == .decryption && rejection.reason.contains("neither holds an EncryptedKey"))
    }

    /// A CipherReference would make the SP fetch the ciphertext (of the data or of the key) from a URL.
    @Test(arguments: ["EncryptedData", "EncryptedKey"])
    func aCipherReferenceIsRefused(in element: String) throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let xml = try builder.signedXML()
        // Inline, the EncryptedKey's CipherValue comes first and the EncryptedData's last.
        let values = xml.ranges(of: "<xenc:CipherValue>")
        let open = try #require(element == "EncryptedKey" ? values.first : values.last)
        let close = try #require(xml.range(of: "</xenc:CipherValue>", range: open.upperBound..<xml.endIndex))
        let edited = xml.replacingCharacters(
            in: open.lowerBound..<close.upperBound,
            with: #"<xenc:CipherReference URI="http://evil.example/ciphertext"/>"#)
        let rejection = try #require(try Validation.run(EncryptedMessage.encoded(edited)).rejection)
        #expect(rejection.check == .decryption, "\(rejection)")
        #expect(rejection.reason.contains("CipherReference") && rejection.reason.contains("the \(element)"))
    }

    /// The EncryptedKey carries a 16-byte key while the EncryptedData claims AES-256.
    @Test func aContentKeyOfTheWrongLengthIsRefused() throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.contentAlgorithm = XMLNamespace.xmlEnc11 + "aes128-gcm"
        builder.encryption = options
        let encoded = try builder.encoded {
            $0.replacingOccurrences(of: options.contentAlgorithm, with: XMLNamespace.xmlEnc11 + "aes256-gcm")
        }
        let rejection = try #require(try Validation.run(encoded).rejection)
        #expect(rejection.check == .decryption && rejection.reason.contains("content key is 16 bytes"), "\(rejection)")
    }

    /// `Type="…#Content"` would make the plaintext a run of nodes rather than one element.
    @Test func anEncryptedDataOfTypeContentIsRefused() throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let encoded = try builder.encoded {
            $0.replacingOccurrences(
                of: "Type=\"\(XMLNamespace.xmlEnc)Element\"", with: "Type=\"\(XMLNamespace.xmlEnc)Content\"")
        }
        let rejection = try #require(try Validation.run(encoded).rejection)
        #expect(rejection.check == .decryption && rejection.reason.contains("Content"), "\(rejection)")
    }

    /// Each EncryptedKey costs an RSA operation per SP key: four are tried, a fifth refuses the message.
    @Test(arguments: [(4, true), (5, false)])
    func encryptedKeysAreCapped(copies: Int, accepted: Bool) throws {
        var builder = ResponseBuilder()
        builder.encryption = EncryptionOptions()
        let encoded = try builder.encoded { xml in
            guard let range = EncryptedMessage.encryptedKeyRange(in: xml) else { return xml }
            let key = String(xml[range])
            return xml.replacingOccurrences(of: key, with: String(repeating: key, count: copies))
        }
        let result = try Validation.run(encoded)
        if accepted {
            #expect(result.accepted != nil, "\(String(describing: result.rejection))")
        } else {
            let rejection = try #require(result.rejection)
            #expect(rejection.check == .decryption && rejection.reason.contains("more than the 4"), "\(rejection)")
        }
    }
}
