import Basics
import Foundation

/// The one rule for what may be fetched: https anywhere, plain http only on a loopback host (a local
/// test IdP), never anything else, and a redirect only to https.
///
/// Metadata carries the certificates every sign-in is checked with: fetched over plain http on a
/// network, anyone on the path could replace them.
public enum FetchURLRule {
    /// Throws unless `url` may be fetched; `redirected` applies the stricter rule for redirect targets.
    public static func check(_ url: String, redirected: Bool = false) throws(FetchError) {
        if let reason = problem(with: url, redirected: redirected) {
            throw redirected ? .refusedRedirect(url, reason: reason) : .refusedURL(url, reason: reason)
        }
    }

    /// Why `url` may not be fetched, or nil when it may.
    public static func problem(with url: String, redirected: Bool = false) -> String? {
        guard !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true })
        else { return "no white space or control characters allowed" }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return "not an absolute URL" }
        guard components.user == nil, components.password == nil else { return "no user name or password in the URL" }
        switch scheme {
        case "https": return nil
        case "http" where redirected: return "only https is followed"
        case "http": return LoopbackHost.contains(host) ? nil : "it must use https (http is allowed only for localhost)"
        default: return "it must use https"
        }
    }
}
