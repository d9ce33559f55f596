import Foundation
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Builds the encrypted messages ``ResponseBuilder`` cannot: any plaintext encrypted as an IdP would,
/// signatures made after a hand edit, and edits of the ciphertext itself.
///
/// Anyone can encrypt to the SP's public certificate, so an attacker chooses the plaintext freely;
/// these helpers let the tests do the same.
enum EncryptedMessage {
    static let encryptedAssertion = QualifiedName(XMLNamespace.samlAssertion, "EncryptedAssertion")
    static let encryptedID = QualifiedName(XMLNamespace.samlAssertion, "EncryptedID")
    static let issuer = QualifiedName(XMLNamespace.samlAssertion, "Issuer")

    /// `plaintext` (any bytes, XML or not) encrypted to `certificateDER` inside a `container` element.
    static func encrypt(
        _ plaintext: String, container: QualifiedName = encryptedAssertion,
        options: EncryptionOptions = EncryptionOptions(), to certificateDER: [UInt8] = TestKeys.spDER
    ) throws -> String {
        try XMLSecurity.initialize()
        return try ElementEncryptor.encrypt(
            Array(plaintext.utf8), to: certificateDER, container: container, options: options)
    }

    /// `xml` (a Response or an Assertion) with an enveloped signature on its root, after its Issuer.
    static func signed(_ xml: String, key: SigningKey = TestKeys.idpRSA) throws -> String {
        try XMLSecurity.initialize()
        let document = try LibXMLDocument(parsing: Array(xml.utf8))
        let root = document.rootElement
        try EnvelopedSigner(key: key).sign(root, after: root.firstChildElement(named: issuer))
        return root.serializedXML
    }

    /// The POST binding's form value for `xml`.
    static func encoded(_ xml: String) -> String {
        Data(xml.utf8).base64EncodedString()
    }

    /// Where the base64 text of the last CipherValue is: the EncryptedData's, when the EncryptedKey is
    /// inline (it comes first, inside the KeyInfo).
    /// Where the first `xenc:EncryptedKey` element is in `xml`, start tag to end tag.
    static func encryptedKeyRange(in xml: String) -> Range<String.Index>? {
        guard let start = xml.range(of: "<xenc:EncryptedKey"), let end = xml.range(of: "</xenc:EncryptedKey>")
        else { return nil }
        return start.lowerBound..<end.upperBound
    }

    static func dataCipherValueRange(in xml: String) -> Range<String.Index>? {
        guard let open = xml.ranges(of: "<xenc:CipherValue>").last,
            let close = xml.range(of: "</xenc:CipherValue>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return open.upperBound..<close.lowerBound
    }

    /// `xml` with the EncryptedData's ciphertext bytes (IV first) changed by `edit`.
    static func editingCiphertext(of xml: String, _ edit: (inout [UInt8]) -> Void) -> String? {
        guard let range = dataCipherValueRange(in: xml),
            let data = Data(base64Encoded: String(xml[range]), options: .ignoreUnknownCharacters)
        else { return nil }
        var bytes = [UInt8](data)
        edit(&bytes)
        return xml.replacingCharacters(in: range, with: Data(bytes).base64EncodedString())
    }

    /// `assertion` with its Subject's NameID replaced by `identifier` (an EncryptedID, or more).
    static func replacingNameID(in assertion: String, with identifier: String) -> String? {
        guard let start = assertion.range(of: "<saml:NameID"),
            let end = assertion.range(of: "</saml:NameID>", range: start.upperBound..<assertion.endIndex)
        else { return nil }
        return assertion.replacingCharacters(in: start.lowerBound..<end.upperBound, with: identifier)
    }
}
