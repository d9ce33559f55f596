internal import COpenSSL

/// SHA-256 through OpenSSL, for certificate fingerprints and stored session-token hashes.
public enum SHA256 {
    /// Returns the 32-byte SHA-256 digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
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
    public static func fingerprint(_ bytes: [UInt8]) -> String {
        Hex.encode(digest(bytes), uppercase: true, separator: ":")
    }
}
