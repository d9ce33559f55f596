/// Why an uploaded certificate file was refused.
///
/// Every case starts with the one sentence admins are promised (README: "The certificate must
/// be in PEM or CER format"), followed by the precise reason, so a wrong upload is fixed at once.
public enum CertificateImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is empty or only white space.
    case empty
    /// A PEM block that is not a certificate (a private key, a CSR, a public key…), named by its label.
    case unexpectedPEMBlock(label: String)
    /// A PEM `BEGIN` line without its matching `END` line.
    case unterminatedPEMBlock(label: String)
    /// A PEM block whose body is not valid base64.
    case invalidPEMBase64(label: String)
    /// Bytes that decode (as DER, PEM body or bare base64) but are not an X.509 certificate.
    case notACertificate
    /// Neither PEM, DER nor base64.
    case unrecognisedFormat

    /// The sentence every refusal starts with.
    public static let headline = "The certificate must be in PEM or CER format"

    /// The headline plus the specific reason.
    public var description: String {
        switch self {
        case .empty: "\(Self.headline) (the file is empty)"
        case .unexpectedPEMBlock(let label):
            "\(Self.headline) (found a PEM \"\(label)\" block; only CERTIFICATE blocks are accepted)"
        case .unterminatedPEMBlock(let label): "\(Self.headline) (PEM block \"\(label)\" has no END line)"
        case .invalidPEMBase64(let label): "\(Self.headline) (PEM block \"\(label)\" is not valid base64)"
        case .notACertificate: "\(Self.headline) (the data is not an X.509 certificate)"
        case .unrecognisedFormat: "\(Self.headline) (the file is neither PEM, DER nor base64)"
        }
    }
}
