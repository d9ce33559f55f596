import Credentials

/// How key material becomes a stored SP key and back, for the CLI (which seals) and the responder
/// (which opens): one rule for the associated data, so a sealed key only opens for the account and
/// certificate it was sealed with (a row copied to another account, or given another certificate, does
/// not decrypt).
public enum SPKeySealing {
    /// The associated data bound into each sealed private key.
    public static func associatedData(accountID: Int64, sha256: String) -> [UInt8] {
        Array("samlgate-sp-key:\(accountID):\(sha256)".utf8)
    }

    /// Refuses `key` unless it opens the SP keys already stored (any account's), so a wrong secret file
    /// is caught before a key sealed under it joins keys sealed under another.
    public static func checkOpensStoredKeys(with key: KeyEncryptionKey, transaction: StoreTransaction) throws {
        guard let stored = try transaction.anySPKey() else { return }
        _ = try key.open(
            stored.sealedPrivateKey,
            associatedData: associatedData(
                accountID: stored.accountID, sha256: Digests.sha256Fingerprint(stored.certificateDER)))
    }

    /// Opens a stored key with the key-encryption key and checks the pair again (``SPKeyMaterial``).
    /// - Throws: `SecretFileError` naming the secret file when it is not the one the key was sealed
    ///   under; `SPKeyError` when the opened key does not match its certificate.
    public static func open(_ stored: SPKey, with key: KeyEncryptionKey) throws -> SPKeyMaterial {
        let privateKeyDER = try key.open(
            stored.sealedPrivateKey,
            associatedData: associatedData(
                accountID: stored.accountID, sha256: Digests.sha256Fingerprint(stored.certificateDER)))
        return try SPKeyMaterial(privateKeyDER: privateKeyDER, certificateDER: stored.certificateDER)
    }

    /// Seals `material` for the account and stores it as `state`, in the caller's write transaction.
    public static func store(
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
    public static func commonName(slug: String) -> String {
        "samlgate SP \(slug)"
    }
}
