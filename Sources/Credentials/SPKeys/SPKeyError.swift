/// Why an SP key pair could not be generated, imported or read back.
///
/// Importing is where admins meet these: each case says exactly what is wrong with the files they gave,
/// so the fix (decrypt the key, pick the matching certificate, use a larger key) is obvious.
public enum SPKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `generate` was asked for a key size other than 2048, 3072 or 4096 bits.
    case unsupportedKeySize(bits: Int)
    /// `generate` was asked for a validity outside 1 to ``SPKeyMaterial/maximumValidityDays`` days.
    case unsupportedValidity(days: Int)
    /// The common name is empty, longer than 64 characters, or holds a control character.
    case invalidCommonName(String)
    /// The private key file is not UTF-8 text, so it cannot be PEM.
    case keyNotPEM
    /// The key file holds no PEM private key block; `labels` are the blocks it does hold.
    case noPrivateKey(labels: [String])
    /// A PEM block in the key file has a BEGIN line but no matching END line; `label` names it.
    case unterminatedPEMBlock(label: String)
    /// The key file holds more than one private key block.
    case severalPrivateKeys(count: Int)
    /// The private key is protected by a passphrase.
    case encryptedPrivateKey
    /// A private key block in a format samlgate does not read (an OpenSSH key, say); `label` names it.
    case unsupportedKeyFormat(label: String)
    /// OpenSSL could not read the private key; `reason` is its own.
    case unreadablePrivateKey(reason: String)
    /// The key is not an RSA key; `algorithm` names what it is (`EC`, `ED25519`, …).
    case notRSA(algorithm: String)
    /// The RSA key is shorter than 2048 bits.
    case keyTooSmall(bits: Int)
    /// The RSA key is larger than any IdP is expected to handle (and each signature would be slow).
    case keyTooLarge(bits: Int)
    /// The certificate file was refused.
    case certificate(CertificateImportError)
    /// The certificate file holds several certificates where one is needed.
    case severalCertificates(count: Int)
    /// The private key does not belong to the certificate's public key.
    case keyDoesNotMatchCertificate(subject: String)
    /// OpenSSL failed while making or encoding the key pair.
    case openSSL(operation: String, reason: String)

    init(_ failure: OpenSSLFailure) {
        self = .openSSL(operation: failure.operation, reason: failure.reason)
    }

    /// The precise reason.
    public var description: String {
        switch self {
        case .unsupportedKeySize(let bits):
            "SP keys are RSA keys of 2048, 3072 or 4096 bits; \(bits) is not one of them"
        case .unsupportedValidity(let days):
            "the SP certificate's validity must be 1 to \(SPKeyMaterial.maximumValidityDays) days; \(days) is not"
        case .invalidCommonName(let name):
            "the SP certificate's common name must be 1 to 64 characters without control characters; "
                + "\"\(name.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())\" is not"
        case .keyNotPEM: "the private key file is not PEM text"
        case .noPrivateKey(let labels):
            labels.isEmpty
                ? "the private key file holds no PEM block; expected -----BEGIN PRIVATE KEY-----"
                : "the private key file holds no private key, only \(labels.map { "\"\($0)\"" }.joined(separator: ", ")) "
                    + "blocks; expected -----BEGIN PRIVATE KEY-----"
        case .unterminatedPEMBlock(let label):
            "the private key file's PEM block \"\(label)\" has no END line"
        case .severalPrivateKeys(let count):
            "the private key file holds \(count) private keys; give exactly one"
        case .encryptedPrivateKey:
            "the private key is encrypted with a passphrase; decrypt it first "
                + "(`openssl pkey -in key.pem -out plain.pem`) and import the unencrypted key"
        case .unsupportedKeyFormat(let label):
            "the private key is a \"\(label)\" block; convert it to PKCS#8 PEM "
                + "(`openssl pkey -in key.pem -out plain.pem`)"
        case .unreadablePrivateKey(let reason): "the private key cannot be read: \(reason)"
        case .notRSA(let algorithm): "the private key is an \(algorithm) key; SP keys must be RSA"
        case .keyTooSmall(let bits): "the RSA key has \(bits) bits; SP keys need at least 2048"
        case .keyTooLarge(let bits): "the RSA key has \(bits) bits; SP keys have at most 8192"
        case .certificate(let error): error.description
        case .severalCertificates(let count):
            "the certificate file holds \(count) certificates; give only the one for this key"
        case .keyDoesNotMatchCertificate(let subject):
            "the private key does not match the certificate \(subject): the certificate holds another public key"
        case .openSSL(let operation, let reason): "OpenSSL could not \(operation): \(reason)"
        }
    }
}
