internal import CXMLSec

/// An SP's RSA private key for opening `EncryptedKey`s: the single owner of an `xmlSecKeyPtr`.
///
/// `@unchecked Sendable` invariant: created in `init`, never mutated, freed in `deinit`; each decryption
/// duplicates it for its own xmlsec context. Build one per SP key and settings version, never per request.
public final class DecryptionKey: @unchecked Sendable {
    private let key: xmlSecKeyPtr

    /// What the admin knows the key by (its certificate's SHA-256), for logs.
    public let label: String

    /// Loads an unencrypted RSA private key in PEM (PKCS#1 or PKCS#8).
    /// - Throws: `XMLSecurityError.invalidKey` when it cannot be read or is not RSA.
    public init(privateKeyPEM: [UInt8], label: String) throws(XMLSecurityError) {
        try XMLSecurity.requireInitialized()
        let loaded = try KeyLoading.load(privateKeyPEM, format: xmlSecKeyDataFormatPem, expected: "a PEM private key")
        guard let value = xmlSecKeyGetValue(loaded), KeyLoading.family(of: value) == .rsa else {
            xmlSecKeyDestroy(loaded)
            throw .invalidKey("a decryption key must be RSA")
        }
        self.key = loaded
        self.label = label
    }

    deinit {
        xmlSecKeyDestroy(key)
    }

    /// A fresh copy for one xmlsec context, which frees it.
    func duplicate() -> xmlSecKeyPtr? {
        xmlSecKeyDuplicate(key)
    }
}
