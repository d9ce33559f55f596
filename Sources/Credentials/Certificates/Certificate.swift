import Foundation

/// An X.509 certificate as samlgate stores and shows it: the DER bytes plus the facts an admin checks.
///
/// Only the IdP's signing key matters for verification; subject, fingerprint and expiry are kept so
/// the settings page and `samlgate saml show` can tell admins which certificate is which and when
/// one needs rolling over.
public struct Certificate: Sendable, Hashable {
    /// The certificate's DER encoding, exactly as imported.
    public let der: [UInt8]
    /// The subject distinguished name in RFC 2253 form, e.g. `CN=idp.example.com,O=Example`.
    public let subject: String
    /// SHA-256 fingerprint of the DER bytes, colon-separated upper-case hex.
    public let sha256: String
    /// The end of the validity period (`notAfter`).
    public let notAfter: Date

    /// Creates a certificate record from already-known facts (used when reading back from the store).
    public init(der: [UInt8], subject: String, sha256: String, notAfter: Date) {
        self.der = der
        self.subject = subject
        self.sha256 = sha256
        self.notAfter = notAfter
    }

    /// Parses one DER-encoded certificate, refusing trailing bytes or anything that is not an X.509 certificate.
    public init(der: [UInt8]) throws(CertificateImportError) {
        self = try X509Parser.parse(der: der)
    }

    /// Whether the certificate has expired at `date`.
    public func isExpired(at date: Date) -> Bool {
        notAfter <= date
    }

    /// Whether the certificate expires within `days` days of `date` (and has not yet expired).
    public func expiresSoon(at date: Date, withinDays days: Int = 30) -> Bool {
        !isExpired(at: date) && notAfter <= date.addingTimeInterval(TimeInterval(days) * 86_400)
    }
}
