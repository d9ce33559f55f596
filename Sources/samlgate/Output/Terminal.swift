import Basics
import Foundation

/// Writing to the terminal: results to stdout, the one-line error to stderr.
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("samlgate: error: \(escaped(message))\n".utf8))
    }

    /// One line of tab-separated fields, each ``escaped(_:)``.
    static func row(_ fields: [String]) -> String {
        fields.map(escaped).joined(separator: "\t")
    }

    /// `text` with every character that could forge a line, a column or a terminal command shown as
    /// an escape: C0 and C1 controls and DEL (`\n`, `\r`, `\t`, else `\u{…}`), the Unicode line and
    /// paragraph separators, and the bidirectional overrides that reorder what a terminal shows.
    ///
    /// Values in the sign-in log come from messages anybody can send; a NameID holding CR LF and a
    /// fake "accepted owner@…" line must print as one visibly odd field, not as a second row.
    static func escaped(_ text: String) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            return scalar.isControlCharacter || value == 0x2028 || value == 0x2029
                || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
        }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where needsEscape(scalar): result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Reads a password from standard input: the first line, without its line ending.
    ///
    /// Passwords never go on the command line, where `ps` and shell history would show them.
    static func readPasswordFromStandardInput() throws -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard var text = String(data: data, encoding: .utf8) else {
            throw CLIError("the password on standard input is not valid UTF-8")
        }
        if let newline = text.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            text = String(text[..<newline])
        }
        guard text.count >= 8 else {
            throw CLIError("the password must have at least 8 characters (read \(text.count) from standard input)")
        }
        return text
    }
}

/// A CLI-level refusal with its message.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
