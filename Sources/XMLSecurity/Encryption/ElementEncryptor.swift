internal import CXML2
internal import CXMLSec

/// Encrypts an element as an IdP would (`EncryptedAssertion`, `EncryptedID`), for tests: the ACS side
/// is tested against messages built with every placement and algorithm, including refused ones.
@_spi(Testing) public enum ElementEncryptor {
    /// Encrypts `plaintext` (one element's XML, carrying its own namespace declarations) to the RSA key
    /// of `certificateDER`, and returns the container element as XML text.
    public static func encrypt(
        _ plaintext: [UInt8], to certificateDER: [UInt8], container: QualifiedName, prefix: String = "saml",
        options: EncryptionOptions = EncryptionOptions()
    ) throws(XMLSecurityError) -> String {
        try XMLSecurity.requireInitialized()
        let document = try LibXMLDocument(parsing: Array(template(container: container, prefix: prefix, options).utf8))
        let root = document.rootElement
        guard let encryptedData = root.firstChildElement(named: XEnc.encryptedData),
            let encryptedKey = root.descendantElements(named: XEnc.encryptedKey).first
        else { throw .encryptionFailed("the template has no EncryptedData or EncryptedKey") }
        let isDES = options.contentAlgorithm.hasSuffix("#tripledes-cbc")
        let keyBytes = (0..<contentKeyLength(options.contentAlgorithm)).map { _ in UInt8.random(in: 0...255) }

        guard let recipient = try TrustedKey(certificateDER: certificateDER).duplicate(),
            let keyContext = EncContext(
                key: recipient, transform: try transform(options.keyTransport), target: .encryptedKey)
        else { throw .encryptionFailed("could not create an xmlsec context") }
        try keyContext.encrypt(keyBytes, into: encryptedKey.node).get()

        let dataKind = isDES ? xmlSecOpenSSLKeyDataDesGetKlass() : xmlSecOpenSSLKeyDataAesGetKlass()
        let contentKey = keyBytes.withUnsafeBufferPointer { buffer in
            xmlSecKeyReadMemory(dataKind, buffer.baseAddress, CXMLSec_Size(buffer.count))
        }
        guard let contentKey,
            let dataContext = EncContext(
                key: contentKey, transform: try transform(options.contentAlgorithm), target: .encryptedData)
        else { throw .encryptionFailed("could not create an xmlsec context") }
        // The KeyInfo already holds the EncryptedKey made above: xmlsec must write no key into it (it
        // would try to encrypt the content key again, with no keys manager to find the recipient in).
        let restricted = withUnsafeMutablePointer(to: &dataContext.pointer.pointee.keyInfoWriteCtx.enabledKeyData) {
            xmlSecPtrListAdd($0, UnsafeMutableRawPointer(mutating: UnsafeRawPointer(xmlSecKeyDataNameGetKlass())))
        }
        guard restricted >= 0 else { throw .encryptionFailed("could not restrict the KeyInfo writer") }
        try dataContext.encrypt(plaintext, into: encryptedData.node).get()
        return root.serializedXML
    }

    private static func template(container: QualifiedName, prefix: String, _ options: EncryptionOptions) -> String {
        let digest = options.oaepDigest.map { #"<ds:DigestMethod Algorithm="\#($0)"/>"# } ?? ""
        func encryptedKey(id: String?) -> String {
            let idAttribute = id.map { #" Id="\#($0)""# } ?? ""
            return
                #"<xenc:EncryptedKey xmlns:xenc="\#(XMLNamespace.xmlEnc)" xmlns:ds="\#(XMLNamespace.xmlDSig)"\#(idAttribute)>"#
                + #"<xenc:EncryptionMethod Algorithm="\#(options.keyTransport)">\#(digest)</xenc:EncryptionMethod>"#
                + "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey>"
        }
        let keyInfo: String
        let sibling: String
        switch options.keyPlacement {
        case .inline:
            keyInfo = encryptedKey(id: nil)
            sibling = ""
        case .retrievalMethod(let uri):
            keyInfo = #"<ds:RetrievalMethod Type="\#(XEnc.encryptedKeyType)" URI="\#(uri)"/>"#
            sibling = encryptedKey(id: options.siblingKeyID)
        }
        return #"<\#(prefix):\#(container.localName) xmlns:\#(prefix)="\#(container.namespaceURI ?? "")">"#
            + #"<xenc:EncryptedData xmlns:xenc="\#(XMLNamespace.xmlEnc)" Type="\#(XEnc.elementType)">"#
            + #"<xenc:EncryptionMethod Algorithm="\#(options.contentAlgorithm)"/>"#
            + #"<ds:KeyInfo xmlns:ds="\#(XMLNamespace.xmlDSig)">\#(keyInfo)</ds:KeyInfo>"#
            + "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"
            + sibling + "</\(prefix):\(container.localName)>"
    }

    /// The accepted algorithms' key lengths, and 3DES's (24 bytes) for building refused messages.
    private static func contentKeyLength(_ uri: String) -> Int {
        ContentEncryptionAlgorithm.allCases.first { $0.uri == uri }?.keyByteCount ?? 24
    }

    private static func transform(_ uri: String) throws(XMLSecurityError) -> xmlSecTransformId {
        let found = xmlSecTransformIdListFindByHref(
            xmlSecTransformIdsGet(), uri, xmlSecTransformUsage(xmlSecTransformUsageEncryptionMethod))
        guard let found else { throw .encryptionFailed("xmlsec has no transform \(uri)") }
        return found
    }
}
