/// An SP's RSA private key and its self-signed X.509 certificate, always a matching pair.
///
/// The SP signs AuthnRequests and logout messages with the private key, and IdPs encrypt assertions to
/// the certificate's public key, so a key and certificate that do not belong together would fail at the
/// IdP in ways that are hard to trace. Every way to get a value (``generate(bits:days:commonName:)``,
/// ``importing(keyPEM:certificatePEM:)``, ``init(privateKeyDER:certificateDER:)`` for a stored pair)
/// checks that the key is RSA of at least 2048 bits and that it belongs to the certificate. The value
/// holds only bytes, so it is `Sendable`; printing it never shows the private key.
public struct SPKeyMaterial: Sendable {
    /// The largest RSA key imported: bigger ones make every signature and decryption slow for no gain.
    public static let maximumKeyBits = 8192
    /// The smallest RSA key accepted, generated or imported.
    public static let minimumKeyBits = 2048
    /// The key sizes ``generate(bits:days:commonName:)`` makes.
    public static let generatedKeyBits = [2048, 3072, 4096]
    /// The longest validity ``generate(bits:days:commonName:)`` gives a certificate: 100 years.
    public static let maximumValidityDays = 36_500

    /// The private key as PKCS#8 `PrivateKeyInfo` DER: what is sealed with the ``KeyEncryptionKey`` and stored.
    public let privateKeyDER: [UInt8]
    /// The certificate's DER encoding.
    public let certificateDER: [UInt8]
    /// The certificate's facts (subject, SHA-256 fingerprint, expiry) for `sp-key list` and the settings page.
    public let certificate: Certificate

    /// Rebuilds a pair read back from the store (the private key already unsealed), checking it again.
    public init(privateKeyDER: [UInt8], certificateDER: [UInt8]) throws(SPKeyError) {
        let key: EVPKey
        do {
            key = try EVPKey(pkcs8DER: privateKeyDER)
        } catch {
            throw .unreadablePrivateKey(reason: error.reason)
        }
        try self.init(key: key, privateKeyDER: privateKeyDER, certificateDER: certificateDER)
    }

    /// Checks `key` against the rules and the certificate; `privateKeyDER` is `key` as PKCS#8 DER.
    init(key: EVPKey, privateKeyDER: [UInt8], certificateDER: [UInt8]) throws(SPKeyError) {
        guard key.isRSA else { throw .notRSA(algorithm: key.algorithmName) }
        guard key.bits >= Self.minimumKeyBits else { throw .keyTooSmall(bits: key.bits) }
        guard key.bits <= Self.maximumKeyBits else { throw .keyTooLarge(bits: key.bits) }
        let certificate: Certificate
        do {
            certificate = try Certificate(der: certificateDER)
        } catch {
            throw .certificate(error)
        }
        guard key.matches(certificateDER: certificateDER) else {
            throw .keyDoesNotMatchCertificate(subject: certificate.subject)
        }
        self.privateKeyDER = privateKeyDER
        self.certificateDER = certificateDER
        self.certificate = certificate
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the form xmlsec loads keys from.
    public func privateKeyPEM() -> [UInt8] {
        Array(PEMDocument.encode(privateKeyDER, label: "PRIVATE KEY").utf8)
    }

    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`, 64-column base64), for `sp-key cert` and
    /// for pasting into an IdP's console.
    public func certificatePEM() -> String {
        PEMDocument.encode(certificateDER, label: "CERTIFICATE")
    }
}

extension SPKeyMaterial: CustomStringConvertible, CustomReflectable {
    /// The certificate's subject and fingerprint only, so logging a key pair never shows the private key.
    public var description: String {
        "SPKeyMaterial(subject: \(certificate.subject), sha256: \(certificate.sha256))"
    }

    /// Hides the private key from `dump` and debuggers' summaries as well.
    public var customMirror: Mirror { Mirror(self, children: ["certificate": certificate]) }
}
