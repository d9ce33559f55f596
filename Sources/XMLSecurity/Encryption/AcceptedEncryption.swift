/// The encryption algorithms the decryptor accepts, as an SP advertises them in its metadata.
///
/// Kept next to the algorithms themselves so metadata never offers an IdP something decryption then
/// refuses. Strongest first (AES-GCM, then AES-CBC for IdPs without GCM): IdPs that read
/// `EncryptionMethod` pick the first they know. The 192-bit AES variants are accepted but not offered.
public enum AcceptedEncryption {
    /// The data encryption algorithms to offer, preferred first.
    public static let contentAlgorithmURIs: [String] = [
        ContentEncryptionAlgorithm.aes256GCM, .aes128GCM, .aes256CBC, .aes128CBC,
    ].map(\.uri)

    /// The key transport algorithms to offer.
    public static let keyTransportURIs: [String] = [KeyTransportAlgorithm.rsaOAEPMGF1PURI]
}
