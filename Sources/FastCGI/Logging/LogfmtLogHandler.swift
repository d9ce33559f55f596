public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler writing one `key=value` line per event to stderr.
///
/// Under nginx + systemd stderr goes to the journal; under mod_fcgid to Apache's error log.
/// Each line is written with a single `write(2)` so lines from worker threads never interleave,
/// and values are quoted and escaped so a request path cannot forge a second line.
/// Bootstrap it once in `main`: `LoggingSystem.bootstrap(LogfmtLogHandler.init)`.
public struct LogfmtLogHandler: LogHandler {
    /// Keys printed first, in this order; the rest follow sorted.
    static let leadingKeys = ["method", "path", "status", "duration_ms"]

    private let label: String
    private let descriptor: Int32
    /// Handler-level metadata, merged under each event's.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Contextual metadata added to every line, if any.
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for `label` writing to stderr.
    public init(label: String) {
        self.init(label: label, descriptor: 2)
    }

    /// Creates a handler writing to `descriptor` (tests pass a pipe).
    public init(label: String, descriptor: Int32) {
        self.label = label
        self.descriptor = descriptor
    }

    /// Handler-level metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and writes one line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        let line = Self.format(
            timestamp: Self.timestamp(), level: event.level, message: event.message.description, metadata: merged)
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// One logfmt line without the newline (pure, for tests).
    static func format(timestamp: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var parts = ["ts=\(timestamp)", "level=\(level.rawValue)", "msg=\(quoted(message))"]
        for key in leadingKeys { if let value = metadata[key] { parts.append("\(key)=\(quoted("\(value)"))") } }
        for key in metadata.keys.sorted() where !leadingKeys.contains(key) {
            parts.append("\(quoted(key))=\(quoted("\(metadata[key] ?? "")"))")
        }
        return parts.joined(separator: " ")
    }

    /// The value as is when it is a plain word, else double-quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\u{…}` escapes.
    static func quoted(_ value: String) -> String {
        let plain =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0.value != 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\"
            }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// UTC time with milliseconds, e.g. `2025-01-31T12:00:00.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
