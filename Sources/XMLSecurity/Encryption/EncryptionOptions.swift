/// How ``ElementEncryptor`` encrypts (tests build the IdP side of encrypted sign-ins, good and bad).
@_spi(Testing) public struct EncryptionOptions: Sendable {
    /// Where the EncryptedKey goes.
    public enum KeyPlacement: Sendable {
        /// Inside the EncryptedData's KeyInfo (Shibboleth, ADFS).
        case inline
        /// A sibling of the EncryptedData, named by a RetrievalMethod with this URI (Okta uses `#` + its Id).
        case retrievalMethod(uri: String = "#_ek1")
    }

    /// The data algorithm URI (default AES-256-GCM).
    public var contentAlgorithm = XMLNamespace.xmlEnc11 + "aes256-gcm"
    /// The key transport URI (default `rsa-oaep-mgf1p`).
    public var keyTransport = XMLNamespace.xmlEnc + "rsa-oaep-mgf1p"
    /// A `ds:DigestMethod` to write inside the key transport's EncryptionMethod, when set.
    public var oaepDigest: String?
    /// Where the EncryptedKey goes.
    public var keyPlacement = KeyPlacement.inline
    /// The Id the sibling EncryptedKey carries with ``KeyPlacement/retrievalMethod(uri:)``.
    public var siblingKeyID = "_ek1"

    /// The defaults: AES-256-GCM, RSA-OAEP-MGF1P, EncryptedKey inline.
    public init() {}
}
