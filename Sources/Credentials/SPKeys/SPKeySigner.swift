internal import COpenSSL

/// An SP key parsed once and ready to sign with, for the signatures that are not XML signatures: the
/// HTTP-Redirect binding signs the query octets themselves (SAML bindings §3.4.4.1) with RSA-SHA256.
///
/// Parse it once per key (the responder caches one per settings version) and share it: OpenSSL 3 keys
/// may sign from several threads at once, each call using its own digest context.
public final class SPKeySigner: Sendable {
    /// The key's only owner; never changed after init, read concurrently by `signSHA256`.
    private nonisolated(unsafe) let key: EVPKey

    /// Parses `material`'s private key.
    public init(_ material: SPKeyMaterial) throws(SPKeyError) {
        do {
            key = try EVPKey(pkcs8DER: material.privateKeyDER)
        } catch {
            throw .unreadablePrivateKey(reason: error.reason)
        }
    }

    /// The RSASSA-PKCS1-v1_5 signature with SHA-256 of `message` (`rsa-sha256`, the `SigAlg` every IdP takes).
    public func signSHA256(_ message: [UInt8]) throws(SPKeyError) -> [UInt8] {
        do {
            let context = try OpenSSLFailure.check(EVP_MD_CTX_new(), "set up an RSA-SHA256 signature")
            defer { EVP_MD_CTX_free(context) }
            try OpenSSLFailure.check(
                EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key.pointer) == 1, "set up an RSA-SHA256 signature")
            var length = 0
            try message.withUnsafeBufferPointer { (input) throws(OpenSSLFailure) in
                try OpenSSLFailure.check(
                    EVP_DigestSign(context, nil, &length, input.baseAddress, input.count) == 1, "size a signature")
            }
            var signature = [UInt8](repeating: 0, count: length)
            try message.withUnsafeBufferPointer { (input) throws(OpenSSLFailure) in
                try signature.withUnsafeMutableBufferPointer { (output) throws(OpenSSLFailure) in
                    try OpenSSLFailure.check(
                        EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count) == 1,
                        "sign with RSA-SHA256")
                }
            }
            return Array(signature.prefix(length))
        } catch {
            throw SPKeyError(error)
        }
    }
}
