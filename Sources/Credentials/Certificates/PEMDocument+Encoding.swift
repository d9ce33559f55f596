import Foundation

extension PEMDocument {
    /// `der` as one PEM block (RFC 7468): the label in the BEGIN and END lines, base64 in 64-column lines,
    /// each ending in `\n`, the layout OpenSSL, xmlsec and IdP consoles all read.
    static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Array(Data(der).base64EncodedString().utf8)
        var lines = ["-----BEGIN \(label)-----"]
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            lines.append(String(decoding: base64[start..<end], as: UTF8.self))
            start = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
