/// Why an encrypted element could not be decrypted, naming the cause for the admin's log.
///
/// Returned as a value, like ``SignatureFailure``. The browser must never learn which case it was (an
/// attacker who can tell a padding error from a parse error can decrypt CBC ciphertext block by block),
/// so callers log ``description`` and answer every case the same way.
public enum DecryptionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The encrypted element is not laid out as XML Encryption and SAML allow (what is wrong is named).
    case structure(String)
    /// An algorithm that is refused on principle (RSA-1.5, 3DES, key wrap, unknown URIs).
    case refusedAlgorithm(uri: String, reason: String)
    /// A standard algorithm the linked xmlsec cannot process.
    case unsupportedAlgorithm(uri: String, reason: String)
    /// No SP key is available to decrypt with.
    case noDecryptionKey
    /// None of the SP keys opens any EncryptedKey: the IdP encrypted to another certificate.
    case noKeyOpens(keys: Int, encryptedKeys: Int)
    /// The EncryptedKey opened to a key of the wrong length for the data algorithm.
    case keyLength(expected: Int, actual: Int)
    /// The data could not be decrypted with the opened key (bad padding, a failed GCM tag, …).
    case dataDecryption(String)
    /// The plaintext is not acceptable XML (checked under the same limits as the message).
    case plaintext(XMLSecurityError)
    /// xmlsec could not set up the operation.
    case xmlsec(String)

    /// A one-line explanation for the sign-in log.
    public var description: String {
        switch self {
        case .structure(let detail):
            return "the encrypted element is malformed: \(detail)"
        case .refusedAlgorithm(let uri, let reason):
            return "encryption algorithm \(uri) is refused: \(reason)"
        case .unsupportedAlgorithm(let uri, let reason):
            return "encryption algorithm \(uri) is not supported: \(reason)"
        case .noDecryptionKey:
            return "the account has no SP key to decrypt with"
        case .noKeyOpens(let keys, let encryptedKeys):
            return "none of the account's \(keys) SP key(s) decrypts the \(encryptedKeys) EncryptedKey(s): "
                + "the IdP encrypted to another certificate (upload the SP certificate from the metadata to the IdP)"
        case .keyLength(let expected, let actual):
            return "the decrypted content key is \(actual) bytes, the data algorithm needs \(expected)"
        case .dataDecryption(let detail):
            return "the encrypted data could not be decrypted: \(detail)"
        case .plaintext(let error):
            return "the decrypted content is not acceptable XML: \(error)"
        case .xmlsec(let detail):
            return "xmlsec could not decrypt: \(detail)"
        }
    }
}
