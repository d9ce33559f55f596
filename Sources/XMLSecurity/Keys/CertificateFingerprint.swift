internal import CXMLSec

/// SHA-256 fingerprints of DER certificates, in the form admins compare with their IdP's console.
public enum CertificateFingerprint {
    /// Lowercase hex pairs joined by colons, e.g. `ab:cd:…` (32 pairs).
    ///
    /// Used for trusted keys and for the untrusted certificate a message carries in `KeyInfo`, so a
    /// rejection can say which certificate the IdP actually used.
    public static func sha256(ofDER der: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = der.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        }
        precondition(status == 1 && length == 32, "OpenSSL SHA-256 failed")
        return digest.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
