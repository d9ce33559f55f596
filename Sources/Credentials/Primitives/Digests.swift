import Basics
internal import COpenSSL

/// Message digests through OpenSSL: SHA-256 for certificate fingerprints and stored session-token hashes.
///
/// A namespace rather than a type named after the algorithm, so it never shadows swift-crypto's `SHA256`.
public enum Digests {
    /// Returns the 32-byte SHA-256 digest of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        precondition(status == 1 && length == 32, "OpenSSL EVP_Digest(SHA-256) failed")
        return output
    }

    /// The digest as colon-separated upper-case hex (`AB:CD:…`), the form admins compare with their IdP's console.
    public static func sha256Fingerprint(_ bytes: [UInt8]) -> String {
        Hex.encode(sha256(bytes), uppercase: true, separator: ":")
    }
}
