/// Sealing SP private keys for the database with AES-256-GCM.
///
/// A sealed value is `0x01 || nonce (12 bytes) || ciphertext || tag (16 bytes)`. The leading format
/// version lets a later samlgate change the scheme and still read old rows; it is authenticated along
/// with the caller's associated data, so it cannot be swapped either. The caller binds each value to
/// where it is stored (for example the account and the key's id) through `associatedData`, so a sealed
/// key copied into another row does not open.
extension KeyEncryptionKey {
    /// The format version of values sealed by ``seal(_:associatedData:)``.
    static let sealedFormatVersion: UInt8 = 0x01
    /// The shortest valid sealed value: version, nonce and tag around an empty ciphertext.
    static let minimumSealedByteCount = 1 + AES256GCM.nonceByteCount + AES256GCM.tagByteCount

    /// Encrypts `plaintext` under this key with a fresh random nonce, authenticating `associatedData`.
    ///
    /// A random 96-bit nonce per value keeps the chance of a repeat negligible for the handful of keys an
    /// installation ever seals, and needs no counter kept anywhere.
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) -> [UInt8] {
        let nonce = SecureRandom.bytes(AES256GCM.nonceByteCount)
        let header = [Self.sealedFormatVersion]
        let (ciphertext, tag) = AES256GCM.seal(
            plaintext, key: bytes, nonce: nonce, associatedData: header + associatedData)
        return header + nonce + ciphertext + tag
    }

    /// Decrypts a value made by ``seal(_:associatedData:)`` with the same key and associated data.
    ///
    /// A failed tag check is ``SecretFileError/cannotDecrypt(path:)``: the secret file is not the one
    /// the value was sealed with, the stored bytes were altered, or the value belongs to another row.
    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(SecretFileError) -> [UInt8] {
        guard sealed.count >= Self.minimumSealedByteCount else {
            throw .sealedValueTooShort(path: path, byteCount: sealed.count)
        }
        guard sealed[0] == Self.sealedFormatVersion else {
            throw .unknownSealedFormat(path: path, version: sealed[0])
        }
        let nonceEnd = 1 + AES256GCM.nonceByteCount
        let tagStart = sealed.count - AES256GCM.tagByteCount
        guard
            let plaintext = AES256GCM.open(
                Array(sealed[nonceEnd..<tagStart]), tag: Array(sealed[tagStart...]), key: bytes,
                nonce: Array(sealed[1..<nonceEnd]), associatedData: [Self.sealedFormatVersion] + associatedData)
        else { throw .cannotDecrypt(path: path) }
        return plaintext
    }
}
