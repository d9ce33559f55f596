internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG.
///
/// Session tokens, password salts, CSRF tokens and SAML request IDs all come from here, so that
/// there is one source of randomness to audit.
public enum SecureRandom {
    /// Returns `count` random bytes.
    ///
    /// OpenSSL's `RAND_bytes` only fails when the DRBG cannot be seeded; continuing without
    /// randomness would mint guessable session tokens, so that is a fatal error.
    public static func bytes(_ count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let status = buffer.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        precondition(status == 1, "OpenSSL RAND_bytes failed: no secure randomness available")
        return buffer
    }

    /// Returns a URL-safe base64 token carrying `byteCount` random bytes (default 256 bits).
    public static func token(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}
