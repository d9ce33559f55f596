import Basics

/// The PEM blocks of a text file (RFC 7468), restricted to certificates.
///
/// Text outside blocks is ignored, as `openssl x509 -text` output puts a dump before the block;
/// but a block of any other type refuses the whole file, so that a private key pasted by mistake
/// is never stored.
enum PEMDocument {
    static func certificates(in text: String) throws(CertificateImportError) -> [Certificate] {
        var certificates: [Certificate] = []
        var openLabel: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimming(.xml)
            if let label = openLabel {
                if line == "-----END \(label)-----" {
                    guard let der = StrictBase64.decode(body) else { throw .invalidPEMBase64(label: label) }
                    certificates.append(try Certificate(der: der))
                    openLabel = nil
                    body = ""
                } else {
                    body += line
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                let label = String(line.dropFirst("-----BEGIN ".count).dropLast("-----".count))
                guard label == "CERTIFICATE" else { throw .unexpectedPEMBlock(label: label) }
                openLabel = label
            }
        }
        if let label = openLabel {
            throw .unterminatedPEMBlock(label: label)
        }
        guard !certificates.isEmpty else { throw .unrecognisedFormat }
        return certificates
    }
}
