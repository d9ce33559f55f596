import Foundation

/// A certificate samlgate depends on and when it expires: an IdP signing certificate or an SP key's.
public struct CredentialExpiry: Sendable, Hashable {
    /// Which side the certificate belongs to.
    public enum Kind: String, Sendable, Hashable {
        /// An IdP signing certificate (responses and logout messages are verified with it).
        case idpCertificate = "idp_certificate"
        /// An SP key's certificate (it signs requests and published for encryption).
        case spKey = "sp_key"
    }

    /// The account's slug.
    public let account: String
    /// IdP certificate or SP key.
    public let kind: Kind
    /// The certificate's SHA-256 fingerprint.
    public let sha256: String
    /// The end of the certificate's validity.
    public let notAfter: Date
    /// The IdP certificate's origin (`metadata`, `uploaded`) or the SP key's state (`active`, `next`, `retired`).
    public let detail: String

    /// One certificate.
    public init(account: String, kind: Kind, sha256: String, notAfter: Date, detail: String) {
        self.account = account
        self.kind = kind
        self.sha256 = sha256
        self.notAfter = notAfter
        self.detail = detail
    }
}
