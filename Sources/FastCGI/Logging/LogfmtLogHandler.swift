import Basics
public import Logging

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
        // The request line carries all its fields in the event: no copy when there is nothing to merge.
        var merged: Logger.Metadata
        if metadata.isEmpty, metadataProvider == nil {
            merged = event.metadata ?? [:]
        } else {
            merged = metadata
            if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
            if let own = event.metadata { merged.merge(own) { $1 } }
        }
        var line = Self.format(
            timestamp: Self.timestamp(), level: event.level, message: event.message.description, metadata: merged)
        line += "\n"
        // A log line that cannot be written has nowhere to be reported.
        _ = line.withUTF8 { Syscall.writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
    }

    /// One logfmt line without the newline (pure, for tests).
    ///
    /// Built by appending to one preallocated string: the responder writes a line per request.
    static func format(timestamp: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line = ""
        line.reserveCapacity(256)
        line += "ts="
        line += timestamp
        line += " level="
        line += level.rawValue
        line += " msg="
        appendQuoted(message, to: &line)
        for key in leadingKeys {
            guard let value = metadata[key] else { continue }
            line += " "
            line += key
            line += "="
            appendQuoted(value.description, to: &line)
        }
        for key in metadata.keys.sorted() where !leadingKeys.contains(key) {
            line += " "
            appendQuoted(key, to: &line)
            line += "="
            appendQuoted(metadata[key]?.description ?? "", to: &line)
        }
        return line
    }

    /// The value as is when it is a plain word, else double-quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\u{…}` escapes.
    static func quoted(_ value: String) -> String {
        var out = ""
        appendQuoted(value, to: &out)
        return out
    }

    private static func appendQuoted(_ value: String, to out: inout String) {
        // Plain: non-empty, no byte at or below space, no DEL, no `"`, `=` or `\` (bytes ≥ 0x80 are
        // parts of non-ASCII scalars, which are plain).
        let plain =
            !value.isEmpty
            && value.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != 0x22 && $0 != 0x3D && $0 != 0x5C }
        if plain {
            out += value
            return
        }
        out += "\""
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
        out += "\""
    }

    /// UTC time with milliseconds, e.g. `2025-01-31T12:00:00.123Z`.
    static func timestamp() -> String {
        UTCTimestamp.now(precision: .milliseconds)
    }
}
