import Foundation

/// One of an account's own RSA key pairs, with the self-signed certificate that publishes it.
///
/// The private key is held only sealed (AES-256-GCM under a key kept outside the database): the
/// store saves and returns the sealed bytes and never sees the key itself, so a copy of the database
/// file alone signs nothing and decrypts nothing.
public struct SPKey: Sendable, Hashable {
    /// Where a key is in its rollover; an account has at most one ``active`` key.
    ///
    /// Valid transitions: `next` → `active` (``StoreTransaction/activateSPKey(accountID:id:now:)``,
    /// which moves the previous `active` → `retired` in the same transaction); `next` or `retired` →
    /// removed (``StoreTransaction/removeSPKey(accountID:id:now:)``). Nothing leaves `retired` but removal,
    /// and an `active` key is never removed.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Published in metadata so IdPs can learn it before it signs; decrypts; does not sign.
        case next
        /// Signs AuthnRequests and logout messages, decrypts, is published.
        case active
        /// Only decrypts, for assertions encrypted to it before the rollover; not published.
        case retired

        /// Whether the SP metadata lists a key in this state (`active` and `next`).
        public var isPublished: Bool { self != .retired }
    }

    /// Internal row id, the `--id` of `samlgate sp-key`.
    public let id: Int64
    /// The account this key belongs to.
    public let accountID: Int64
    /// Where the key is in its rollover.
    public let state: State
    /// The self-signed certificate, DER.
    public let certificateDER: [UInt8]
    /// The certificate's SHA-256 fingerprint, upper-case hex pairs joined by colons (as
    /// `Certificate.sha256` gives it); unique within the account.
    public let sha256: String
    /// When the certificate expires.
    public let notAfter: Date
    /// When the key was added.
    public let createdAt: Date
    /// The private key as sealed by its creator; opaque to the store.
    public let sealedPrivateKey: [UInt8]

    /// Creates an SP key value (the store assigns ids).
    public init(
        id: Int64, accountID: Int64, state: State, certificateDER: [UInt8], sha256: String, notAfter: Date,
        createdAt: Date, sealedPrivateKey: [UInt8]
    ) {
        self.id = id
        self.accountID = accountID
        self.state = state
        self.certificateDER = certificateDER
        self.sha256 = sha256
        self.notAfter = notAfter
        self.createdAt = createdAt
        self.sealedPrivateKey = sealedPrivateKey
    }
}
