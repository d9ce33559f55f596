import Foundation

/// Where a browser may be sent after sign-in: only to the application's own origin.
///
/// `return_to` and an IdP-initiated RelayState come from the browser or the IdP, so an open
/// redirect would let a phishing link bounce through our sign-in to any site. Accepted: a path
/// (one leading `/`, no `//`, no `\`, no scheme, no control characters) or an absolute URL on the
/// base URL's origin; anything else falls back to `{base_url}/`.
public enum ReturnPath {
    /// The longest return path kept, in bytes; a longer one falls back to `{base_url}/`.
    public static let maximumLength = 2048

    /// `candidate` made absolute on `baseURL`'s origin when it is safe; nil otherwise.
    public static func resolve(_ candidate: String?, baseURL: String) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= maximumLength else { return nil }
        guard !candidate.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "\\" }) else {
            return nil
        }
        let origin = Self.origin(of: baseURL)
        if candidate.hasPrefix("/") {
            guard !candidate.hasPrefix("//") else { return nil }
            return origin + candidate
        }
        // An absolute URL: exactly our origin, followed by a path, query or nothing.
        guard candidate.lowercased().hasPrefix(origin.lowercased()) else { return nil }
        let rest = candidate.dropFirst(origin.count)
        guard rest.isEmpty || rest.hasPrefix("/") || rest.hasPrefix("?") else { return nil }
        if rest.hasPrefix("//") { return nil }
        // Scheme and host compare case-insensitively; the target is rebuilt on our own spelling of the origin.
        return origin + rest
    }

    /// The default target after sign-in: `{base_url}/`.
    public static func home(baseURL: String) -> String { baseURL + "/" }

    /// `scheme://host[:port]` of an absolute URL (the part before the first `/` after `://`).
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return url }
        return String(url[..<slash])
    }
}
