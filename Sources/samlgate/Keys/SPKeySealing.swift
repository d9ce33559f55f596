import Credentials
import Store

/// How the CLI turns key material into a stored SP key and back: one rule for the associated data, so a
/// sealed key only opens for the account and certificate it was sealed with (a row copied to another
/// account, or given another certificate, does not decrypt).
enum SPKeySealing {
    /// The associated data bound into each sealed private key.
    static func associatedData(accountID: Int64, sha256: String) -> [UInt8] {
        Array("samlgate-sp-key:\(accountID):\(sha256)".utf8)
    }

    /// Refuses `key` unless it opens the SP keys already stored (any account's), so a wrong secret file
    /// is caught before a key sealed under it joins keys sealed under another.
    static func checkOpensStoredKeys(with key: KeyEncryptionKey, transaction: StoreTransaction) throws {
        guard let stored = try transaction.anySPKey() else { return }
        _ = try key.open(
            stored.sealedPrivateKey,
            associatedData: associatedData(
                accountID: stored.accountID, sha256: Digests.sha256Fingerprint(stored.certificateDER)))
    }

    /// Seals `material` for the account and stores it as `state`, in the caller's write transaction.
    static func store(
        _ material: SPKeyMaterial, state: SPKey.State, accountID: Int64, key: KeyEncryptionKey,
        transaction: StoreTransaction
    ) throws -> SPKey {
        let certificate = material.certificate
        try checkOpensStoredKeys(with: key, transaction: transaction)
        // The fingerprint bound in is computed from the certificate's bytes, as on every open.
        let sealed = key.seal(
            material.privateKeyDER,
            associatedData: associatedData(accountID: accountID, sha256: Digests.sha256Fingerprint(certificate.der)))
        return try transaction.addSPKey(
            accountID: accountID, state: state, certificateDER: certificate.der, sha256: certificate.sha256,
            notAfter: certificate.notAfter, sealedPrivateKey: sealed)
    }

    /// The common name of a generated key's certificate: the account's SP entity ID host and slug.
    static func commonName(slug: String) -> String {
        "samlgate SP \(slug)"
    }
}
