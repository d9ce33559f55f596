import Basics

/// Reading the `Cookie` header and writing `Set-Cookie`.
public enum Cookies {
    /// The value of cookie `name` in a `Cookie` header, if sent exactly once.
    ///
    /// Pairs are `;`-separated `name=value`, spaces and tabs around either are ignored, and a pair
    /// without `=` or with nothing after it does not count. Read byte by byte, without splitting into
    /// arrays of substrings: it runs before every protected request.
    public static func value(named name: String, in header: String?) -> String? {
        guard let header else { return nil }
        let bytes = header.utf8
        var found: String?
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
            let part = bytes[start..<end]
            start = end == bytes.endIndex ? end : bytes.index(after: end)
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")), bytes.index(after: equals) < part.endIndex,
                part[..<equals].trimming(.http).elementsEqual(name.utf8)
            else { continue }
            guard found == nil else { return nil }  // sent twice: trust neither
            found = String(decoding: part[bytes.index(after: equals)...].trimming(.http), as: UTF8.self)
        }
        return found
    }

    /// A `Set-Cookie` value with the attributes samlgate always uses (HttpOnly, Path=/, SameSite=Lax,
    /// Secure on https), and `Max-Age` (0 deletes the cookie).
    public static func setCookie(name: String, value: String, maxAge: Int, secure: Bool) -> String {
        var text = "\(name)=\(value); Path=/; Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Lax"
        if secure { text += "; Secure" }
        return text
    }
}
