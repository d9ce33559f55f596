/// Turns an uploaded certificate file into certificates, accepting exactly the formats admins get from IdPs.
///
/// Okta and Entra ID offer PEM (`.pem`/`.cer` with `BEGIN CERTIFICATE`), ADFS exports binary DER
/// (`.cer`), and metadata or consoles show bare base64 DER. Anything else — a private key, a CSR,
/// a random file — is refused as a whole so that nothing half-imported is ever saved.
public enum CertificateImporter {
    /// Parses `bytes` as PEM (one or more certificates), DER, or bare base64 DER.
    public static func certificates(from bytes: [UInt8]) throws(CertificateImportError) -> [Certificate] {
        if bytes.first == 0x30 {
            return [try Certificate(der: bytes)]
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unrecognisedFormat
        }
        if text.allSatisfy(\.isWhitespace) {
            throw .empty
        }
        if text.contains("-----BEGIN ") {
            return try PEMDocument.certificates(in: text)
        }
        guard let der = StrictBase64.decode(text) else {
            throw .unrecognisedFormat
        }
        return [try Certificate(der: der)]
    }
}
