/// The one rule for header values built from data we do not control (IdP attributes, paths).
public enum HeaderValue {
    /// `value` with every C0 control character (U+0000–U+001F, so CR, LF, NUL and HTAB too) and DEL
    /// replaced by a space, one space per Unicode scalar (so CR LF becomes two).
    ///
    /// No such value can split a response or a header, whichever transport writes it. HTAB, which
    /// RFC 9110 allows inside a value, goes too: no value we send needs one. Everything else,
    /// non-ASCII text included, is kept. These characters are single bytes in UTF-8 (no byte of a
    /// longer sequence is below 0x80), so a value without them — nearly all — is returned as it is.
    public static func sanitized(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return value }
        return String(
            String.UnicodeScalarView(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
