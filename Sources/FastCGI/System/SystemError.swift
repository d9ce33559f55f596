#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns errno values into text in one place, so error messages read like the C tools' ones.
enum SystemError {
    /// `strerror(code)` plus the number, e.g. "Address already in use (errno 98)".
    static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}
