internal import COpenSSL

/// AES-256-GCM through OpenSSL's EVP interface: authenticated encryption for secrets kept in the database.
///
/// GCM both hides the plaintext and detects any change to the ciphertext, the tag or the associated
/// data, so a row copied to another account or edited in place fails to open instead of yielding a
/// different key. The caller supplies a fresh random nonce for every message.
enum AES256GCM {
    /// The key length in bytes.
    static let keyByteCount = 32
    /// The nonce length in bytes: GCM's native 96 bits, OpenSSL's default IV length for this cipher.
    static let nonceByteCount = 12
    /// The authentication tag length in bytes, the full 128 bits.
    static let tagByteCount = 16

    /// Encrypts `plaintext` under `key` and `nonce`, authenticating `associatedData` as well.
    ///
    /// OpenSSL fails here only when it cannot allocate memory or the build lacks AES-GCM; neither is
    /// recoverable, and carrying on would store a secret unencrypted, so that is a fatal error.
    static func seal(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]
    ) -> (ciphertext: [UInt8], tag: [UInt8]) {
        precondition(key.count == keyByteCount && nonce.count == nonceByteCount, "AES-256-GCM key or nonce size")
        guard let context = EVP_CIPHER_CTX_new() else { preconditionFailure("OpenSSL EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(context) }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        let sealed =
            EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1
            && update(context, into: nil, from: associatedData, encrypting: true)
            && ciphertext.withUnsafeMutableBufferPointer {
                update(context, into: $0, from: plaintext, encrypting: true)
            }
            && finish(context, encrypting: true)
            && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), &tag) == 1
        precondition(sealed, "OpenSSL AES-256-GCM encryption failed: \(OpenSSLFailure.takeQueuedReason())")
        return (ciphertext, tag)
    }

    /// Decrypts `ciphertext`, or returns nil when the tag does not match (wrong key, nonce, data or tag).
    static func open(
        _ ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]
    ) -> [UInt8]? {
        guard key.count == keyByteCount, nonce.count == nonceByteCount, tag.count == tagByteCount,
            let context = EVP_CIPHER_CTX_new()
        else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        var expectedTag = tag
        let opened =
            EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1
            && update(context, into: nil, from: associatedData, encrypting: false)
            && plaintext.withUnsafeMutableBufferPointer {
                update(context, into: $0, from: ciphertext, encrypting: false)
            }
            && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), &expectedTag) == 1
            && finish(context, encrypting: false)
        ERR_clear_error()
        guard opened else {
            // Plaintext from a message that failed authentication must not linger.
            plaintext.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return nil
        }
        return plaintext
    }

    /// Feeds `input` through the cipher; with no output buffer, as associated data. GCM is a stream mode,
    /// so every input byte yields exactly one output byte.
    private static func update(
        _ context: OpaquePointer, into output: UnsafeMutableBufferPointer<UInt8>?, from input: [UInt8],
        encrypting: Bool
    ) -> Bool {
        guard !input.isEmpty else { return true }
        var length: Int32 = 0
        let status = input.withUnsafeBufferPointer { bytes in
            encrypting
                ? EVP_EncryptUpdate(context, output?.baseAddress, &length, bytes.baseAddress, Int32(bytes.count))
                : EVP_DecryptUpdate(context, output?.baseAddress, &length, bytes.baseAddress, Int32(bytes.count))
        }
        return status == 1 && Int(length) == input.count
    }

    /// Completes the message; when decrypting, this is where the tag is checked.
    private static func finish(_ context: OpaquePointer, encrypting: Bool) -> Bool {
        var scratch = [UInt8](repeating: 0, count: 16)
        var length: Int32 = 0
        let status =
            encrypting
            ? EVP_EncryptFinal_ex(context, &scratch, &length) : EVP_DecryptFinal_ex(context, &scratch, &length)
        return status == 1 && length == 0
    }
}
