import Basics

/// Finds the one private key block in an uploaded key file, and refuses what samlgate cannot use.
///
/// OpenSSL's own reader would also read these files, but its errors ("unsupported", "bad decrypt")
/// do not tell an admin what to do. Looking at the block labels first gives each common mistake its
/// own message: a passphrase-protected key, an EC or OpenSSH key, a certificate given as the key, two
/// keys in one file. Blocks of other types (a certificate kept beside the key) are ignored.
enum PrivateKeyPEM {
    /// The labels of the key blocks OpenSSL is handed: PKCS#8 and PKCS#1.
    static let readableLabels: Set<String> = ["PRIVATE KEY", "RSA PRIVATE KEY"]

    /// The text of the file's one private key block, BEGIN to END line.
    static func keyBlock(in file: [UInt8]) throws(SPKeyError) -> [UInt8] {
        guard let text = String(validating: file, as: UTF8.self) else { throw .keyNotPEM }
        var blocks: [(label: String, lines: [String])] = []
        var open: (label: String, lines: [String])?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine.trimming(.xml))
            if var block = open {
                block.lines.append(line)
                open = block
                if line == "-----END \(block.label)-----" {
                    blocks.append(block)
                    open = nil
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                open = (String(line.dropFirst("-----BEGIN ".count).dropLast("-----".count)), [line])
            }
        }
        if let unterminated = open { throw .unterminatedPEMBlock(label: unterminated.label) }
        let keys = blocks.filter { $0.label.hasSuffix("PRIVATE KEY") }
        guard let key = keys.first else { throw .noPrivateKey(labels: blocks.map(\.label)) }
        guard keys.count == 1 else { throw .severalPrivateKeys(count: keys.count) }
        // PKCS#8 encryption has its own label; PKCS#1 ("traditional") encryption is a header in the block.
        if key.label == "ENCRYPTED PRIVATE KEY" || key.lines.contains(where: { $0.hasPrefix("Proc-Type: 4,ENCRYPTED") })
        {
            throw .encryptedPrivateKey
        }
        switch key.label {
        case "EC PRIVATE KEY": throw .notRSA(algorithm: "EC")
        case "DSA PRIVATE KEY": throw .notRSA(algorithm: "DSA")
        case let label where !readableLabels.contains(label): throw .unsupportedKeyFormat(label: label)
        default: return Array((key.lines.joined(separator: "\n") + "\n").utf8)
        }
    }
}
