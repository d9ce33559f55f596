/// The XML Encryption element names the decryptor reads (prefixes mean nothing).
enum XEnc {
    static let encryptedData = QualifiedName(XMLNamespace.xmlEnc, "EncryptedData")
    static let encryptedKey = QualifiedName(XMLNamespace.xmlEnc, "EncryptedKey")
    static let encryptionMethod = QualifiedName(XMLNamespace.xmlEnc, "EncryptionMethod")
    static let cipherData = QualifiedName(XMLNamespace.xmlEnc, "CipherData")
    static let cipherValue = QualifiedName(XMLNamespace.xmlEnc, "CipherValue")
    static let cipherReference = QualifiedName(XMLNamespace.xmlEnc, "CipherReference")
    static let oaepParams = QualifiedName(XMLNamespace.xmlEnc, "OAEPparams")
    static let keySize = QualifiedName(XMLNamespace.xmlEnc, "KeySize")
    static let mgf = QualifiedName(XMLNamespace.xmlEnc11, "MGF")
    static let retrievalMethod = QualifiedName(XMLNamespace.xmlDSig, "RetrievalMethod")
    static let keyName = QualifiedName(XMLNamespace.xmlDSig, "KeyName")

    /// `Type` of an EncryptedData whose plaintext is one element.
    static let elementType = XMLNamespace.xmlEnc + "Element"
    /// `Type` of a RetrievalMethod that names an EncryptedKey.
    static let encryptedKeyType = XMLNamespace.xmlEnc + "EncryptedKey"
    /// The OAEP digest `rsa-oaep-mgf1p` uses when no DigestMethod says otherwise.
    static let sha1 = XMLNamespace.xmlDSig + "sha1"
}
