/// The public-key algorithm of a key, which decides which signature algorithms it can verify.
public enum KeyFamily: String, Sendable, Equatable {
    /// RSA (PKCS#1 v1.5 signatures).
    case rsa = "RSA"
    /// Elliptic-curve keys used with ECDSA (P-256, P-384, P-521).
    case ecdsa = "EC"
}
