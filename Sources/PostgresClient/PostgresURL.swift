import Foundation

/// A connection URL as given in `--db`, with the one form of it that may be shown: password replaced by `***`.
///
/// libpq parses the URL itself; this type only checks the scheme and knows where a password can sit (after
/// the user name, `user:secret@`, or as the `password` query parameter) so that no message, log line or error
/// ever repeats it.
struct PostgresURL: Sendable {
    /// The schemes libpq accepts, as it spells them (libpq compares them case-sensitively).
    static let schemes = ["postgresql://", "postgres://"]

    /// The URL as given, for libpq.
    let string: String
    /// The URL with every password replaced by `***`; just `***` for text that is not a URL at all.
    let redacted: String
    /// The passwords in the URL, as written and percent-decoded, to scrub from libpq's messages.
    private let secrets: [String]

    init(_ string: String) throws(PostgresError) {
        let (redacted, passwords) = Self.redact(string)
        self.string = string
        self.redacted = redacted
        secrets = Set(passwords.flatMap { [$0, $0.removingPercentEncoding ?? $0] }).filter { !$0.isEmpty }
            .sorted { $0.count > $1.count }
        guard Self.schemes.contains(where: { string.hasPrefix($0) }) else {
            throw .badURL(url: redacted, reason: "it must start with postgresql:// or postgres://")
        }
        guard !string.contains("\0") else { throw .badURL(url: redacted, reason: "it contains a zero character") }
    }

    /// `message` with any password from this URL replaced by `***`: libpq quotes parts of a URL it cannot
    /// parse, and a password is one of them.
    func scrub(_ message: String) -> String {
        secrets.reduce(message) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// The redacted URL and the passwords found. The user information ends at the last `@` before the query:
    /// taking the last one hides a password with an unencoded `@` entirely, at worst hiding part of a host.
    private static func redact(_ url: String) -> (String, [String]) {
        // Without a scheme it may be a libpq keyword string (`host=db password=secret`) or anything else;
        // where a password would sit is unknown, so the text is not shown at all.
        guard url.contains("://") else { return ("***", [url]) }
        var passwords: [String] = []
        let queryStart = url.firstIndex(of: "?") ?? url.endIndex
        var head = String(url[..<queryStart])
        if let schemeEnd = head.range(of: "://")?.upperBound, let at = head[schemeEnd...].lastIndex(of: "@"),
            let colon = head[schemeEnd..<at].firstIndex(of: ":")
        {
            passwords.append(String(head[head.index(after: colon)..<at]))
            head.replaceSubrange(head.index(after: colon)..<at, with: "***")
        }
        guard queryStart < url.endIndex else { return (head, passwords) }
        let query = url[url.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: false)
            .map { parameter -> String in
                guard parameter.hasPrefix("password=") else { return String(parameter) }
                passwords.append(String(parameter.dropFirst("password=".count)))
                return "password=***"
            }
        return (head + "?" + query.joined(separator: "&"), passwords)
    }
}
