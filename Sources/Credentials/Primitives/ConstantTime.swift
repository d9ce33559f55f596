internal import COpenSSL

/// Comparisons whose duration does not depend on where two secrets differ.
///
/// Password hashes, CSRF tokens and other secrets are compared here (OpenSSL's `CRYPTO_memcmp`), so
/// there is one implementation to audit instead of a hand-rolled loop per caller.
public enum ConstantTime {
    /// Whether `a` and `b` are equal; the length is not secret, the content is.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 }
        }
    }

    /// Whether two strings have equal UTF-8 bytes.
    public static func equal(_ a: String, _ b: String) -> Bool {
        equal(Array(a.utf8), Array(b.utf8))
    }
}
