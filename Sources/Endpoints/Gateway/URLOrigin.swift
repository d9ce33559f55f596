import Foundation

/// The origin (`scheme://host[:port]`) of an absolute http(s) URL, as a Content-Security-Policy
/// source expression names it.
enum URLOrigin {
    /// The origin of `url`, or nil unless it is http(s) with a host made only of characters a CSP source
    /// may hold (so a stored URL can never add a directive to the header).
    static func of(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty,
            host.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-.[]:".unicodeScalars.contains($0))
            })
        else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
