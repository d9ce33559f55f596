#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// UTC time as ISO 8601 text, written in one place: `2026-11-30T16:00:00Z`, or with milliseconds
/// `2026-11-30T16:00:00.123Z`.
///
/// SAML's `xs:dateTime` (`SAMLTime`), the CLI's output and the responder's log lines all write UTC
/// this way; only the precision differs, and each caller names it. The text is built in a stack
/// buffer, without a Foundation formatter, because the log writes one per request.
public enum UTCTimestamp {
    /// How much of the second is written.
    public enum Precision: Sendable {
        /// Whole seconds, the fraction dropped (SAML and the CLI).
        case seconds
        /// Three fraction digits, the rest dropped (log lines).
        case milliseconds
    }

    /// The time `secondsSince1970` after 1970-01-01T00:00:00Z, truncated to `precision`.
    public static func format(secondsSince1970: Double, precision: Precision) -> String {
        let whole = secondsSince1970.rounded(.down)
        let milliseconds = Int(((secondsSince1970 - whole) * 1000).rounded(.down))
        return format(seconds: Int(whole), milliseconds: precision == .milliseconds ? min(milliseconds, 999) : nil)
    }

    /// The current time (the real-time clock), truncated to `precision`.
    public static func now(precision: Precision) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return format(
            seconds: Int(now.tv_sec), milliseconds: precision == .milliseconds ? now.tv_nsec / 1_000_000 : nil)
    }

    private static func format(seconds: Int, milliseconds: Int?) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var index = 0
            func digits(_ value: Int, _ width: Int) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    buffer[position] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                    value /= 10
                }
                index += width
            }
            func character(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            // Four digits at least, more for a year past 9999, a sign before a year before 1 (as `%04d` would).
            let year = Int(parts.tm_year) + 1900
            if year < 0 { character(UInt8(ascii: "-")) }
            digits(abs(year), max(year < 0 ? 3 : 4, String(abs(year)).count))
            character(UInt8(ascii: "-"))
            digits(Int(parts.tm_mon) + 1, 2)
            character(UInt8(ascii: "-"))
            digits(Int(parts.tm_mday), 2)
            character(UInt8(ascii: "T"))
            digits(Int(parts.tm_hour), 2)
            character(UInt8(ascii: ":"))
            digits(Int(parts.tm_min), 2)
            character(UInt8(ascii: ":"))
            digits(Int(parts.tm_sec), 2)
            if let milliseconds {
                character(UInt8(ascii: "."))
                digits(milliseconds, 3)
            }
            character(UInt8(ascii: "Z"))
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<index]), as: UTF8.self)
        }
    }
}
