import Foundation

/// How the CLI writes durations. (Times are ISO 8601 in UTC, which scripts reading `--json` rely on and humans
/// can read: ``SAMLTime/format(_:)``.)
enum TimeFormat {
    /// "90 days", "8 h", "3 min", "45 s": durations shown next to their seconds.
    static func duration(_ seconds: Int) -> String {
        if seconds % 86_400 == 0, seconds >= 86_400 { return seconds == 86_400 ? "1 day" : "\(seconds / 86_400) days" }
        if seconds % 3600 == 0, seconds >= 3600 { return "\(seconds / 3600) h" }
        if seconds % 60 == 0, seconds >= 60 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
