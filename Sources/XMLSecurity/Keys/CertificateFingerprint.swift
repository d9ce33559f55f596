import Credentials

/// SHA-256 fingerprints of DER certificates, in the form admins compare with their IdP's console.
public enum CertificateFingerprint {
    /// Upper-case hex pairs joined by colons, e.g. `AB:CD:…` (32 pairs) — the same form as everywhere
    /// else in samlgate (`Credentials.Digests.sha256Fingerprint`), so a rejection's fingerprint can be found
    /// verbatim on the settings page.
    ///
    /// Used for trusted keys and for the untrusted certificate a message carries in `KeyInfo`, so a
    /// rejection can say which certificate the IdP actually used.
    public static func sha256(ofDER der: [UInt8]) -> String {
        Digests.sha256Fingerprint(der)
    }
}
