import Credentials

/// How the responder reaches the key-encryption key that opens the accounts' SP private keys.
///
/// Loaded once at start-up from the secret file. When it cannot be read the responder still serves
/// everything that needs no private key (password sign-in, plain assertions, metadata); what needs one
/// (signed AuthnRequests, encrypted assertions) is refused with the reason, which names the file.
public enum SPKeySecret: Sendable {
    /// The secret file was read.
    case loaded(KeyEncryptionKey)
    /// It could not be: why (naming the file).
    case unavailable(reason: String)
}
