/// The set of keys an account trusts for signatures: its configured IdP certificates (several allow
/// rollover). Built once per account and shared read-only between threads.
///
/// `Sendable` without `@unchecked`: it only holds immutable `TrustedKey`s, whose own invariant is
/// documented there.
public final class TrustedKeys: Sendable {
    /// The keys, in configuration order (verification tries them in this order).
    public let keys: [TrustedKey]

    /// Loads each DER certificate's public key.
    /// - Throws: `XMLSecurityError.invalidKey` naming the position of the first unusable certificate.
    public init(certificatesDER: [[UInt8]]) throws(XMLSecurityError) {
        var keys: [TrustedKey] = []
        for (index, der) in certificatesDER.enumerated() {
            do {
                keys.append(try TrustedKey(certificateDER: der))
            } catch let error {
                guard case .invalidKey(let detail) = error else { throw error }
                throw .invalidKey("certificate \(index + 1): \(detail)")
            }
        }
        self.keys = keys
    }

    /// SHA-256 fingerprints of the trusted certificates, for messages and the settings page.
    public var fingerprints: [String] {
        keys.map(\.sha256Fingerprint)
    }

    /// The trusted key whose certificate has this SHA-256 fingerprint, if any.
    public func key(withFingerprint fingerprint: String) -> TrustedKey? {
        keys.first { $0.sha256Fingerprint == fingerprint.uppercased() }
    }
}
