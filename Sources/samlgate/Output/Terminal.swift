import Foundation

/// Writing to the terminal: results to stdout, the one-line error to stderr.
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("samlgate: error: \(message)\n".utf8))
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
