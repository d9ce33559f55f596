/// Reading the `Cookie` header and writing `Set-Cookie`.
public enum Cookies {
    /// The value of cookie `name` in a `Cookie` header, if sent exactly once.
    public static func value(named name: String, in header: String?) -> String? {
        guard let header else { return nil }
        var found: [String] = []
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces() == name else { continue }
            found.append(String(pair[1].trimmingSpaces()))
        }
        return found.count == 1 ? found[0] : nil
    }

    /// A `Set-Cookie` value with the attributes samlgate always uses (HttpOnly, Path=/, SameSite=Lax,
    /// Secure on https), and `Max-Age` (0 deletes the cookie).
    public static func setCookie(name: String, value: String, maxAge: Int, secure: Bool) -> String {
        var text = "\(name)=\(value); Path=/; Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Lax"
        if secure { text += "; Secure" }
        return text
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result.removeFirst() }
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }
}
