import Credentials
import Store
import XMLSecurity

/// One account's SP keys, opened and parsed once per settings version (never per request).
///
/// The `active` key signs (query signatures for HTTP-Redirect, enveloped XML signatures for
/// HTTP-POST); `active`, `next` and `retired` keys decrypt, in that order; `active` and `next`
/// certificates are published in the metadata.
struct AccountKeys: Sendable {
    /// Every key that decrypts, active first.
    let decryption: [DecryptionKey]
    /// Signs HTTP-Redirect query strings with the active key.
    let redirectSigner: SPKeySigner?
    /// Signs AuthnRequests sent by HTTP-POST with the active key.
    let xmlSigner: EnvelopedSigner?
    /// The certificates the metadata publishes: the active key's, then any `next` key's.
    let publishedCertificates: [[UInt8]]
    /// Why keys the account has cannot be used, for the log and the refusal (nil when all opened).
    let problem: String?

    /// No keys: an account created before SP keys existed, until `samlgate init` gives it one.
    static let none = AccountKeys(
        decryption: [], redirectSigner: nil, xmlSigner: nil, publishedCertificates: [], problem: nil)

    private init(
        decryption: [DecryptionKey], redirectSigner: SPKeySigner?, xmlSigner: EnvelopedSigner?,
        publishedCertificates: [[UInt8]], problem: String?
    ) {
        self.decryption = decryption
        self.redirectSigner = redirectSigner
        self.xmlSigner = xmlSigner
        self.publishedCertificates = publishedCertificates
        self.problem = problem
    }

    /// Opens `stored` (in ``StoreTransaction/spKeys(accountID:)`` order: active, next, retired) with
    /// `secret`; a key that cannot be opened is left out and named in ``problem``.
    init(stored: [SPKey], secret: SPKeySecret) {
        publishedCertificates = stored.filter(\.state.isPublished).map(\.certificateDER)
        let key: KeyEncryptionKey
        switch secret {
        case .loaded(let loaded):
            key = loaded
        case .unavailable(let reason):
            decryption = []
            redirectSigner = nil
            xmlSigner = nil
            problem = "the SP private keys cannot be opened: \(reason)"
            return
        }
        var decryption: [DecryptionKey] = []
        var redirectSigner: SPKeySigner?
        var xmlSigner: EnvelopedSigner?
        var problems: [String] = []
        for spKey in stored {
            do {
                let material = try SPKeySealing.open(spKey, with: key)
                let pem = material.privateKeyPEM()
                decryption.append(try DecryptionKey(privateKeyPEM: pem, label: spKey.sha256))
                if spKey.state == .active {
                    redirectSigner = try SPKeySigner(material)
                    xmlSigner = EnvelopedSigner(
                        key: try SigningKey(privateKeyPEM: pem, certificatePEM: Array(material.certificatePEM().utf8)))
                }
            } catch {
                problems.append("SP key \(spKey.id) (\(spKey.state.rawValue), SHA-256 \(spKey.sha256)): \(error)")
            }
        }
        self.decryption = decryption
        self.redirectSigner = redirectSigner
        self.xmlSigner = xmlSigner
        self.problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
