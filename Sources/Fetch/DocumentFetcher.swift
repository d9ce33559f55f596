import Basics
import CCurl
import Foundation

/// Fetches one document (IdP metadata) over https with libcurl: the system's CA store (or a named
/// bundle), OpenSSL, time-outs, a size cap, and redirects followed only to https.
///
/// libcurl is used because it is the client the system already trusts for this job: it links the same
/// OpenSSL as the rest of samlgate, reads Debian's CA store, and has decades of TLS and HTTP fixes that a
/// hand-written client would not. Redirects are followed here rather than by libcurl, one hop at a
/// time, so that each target is checked by the same rule as the first URL and a refusal names it.
public struct DocumentFetcher: Sendable {
    /// What a fetch may cost.
    public var limits: FetchLimits
    /// A PEM bundle to trust instead of the system's CA store (an IdP behind a private CA); nil: the
    /// system's store.
    public var caFile: String?

    /// The environment variable that names a CA bundle for ``caFile`` in both programs.
    public static let caFileVariable = "SAMLGATE_CA_FILE"

    /// A fetcher with `limits`, trusting `caFile` (default: `$SAMLGATE_CA_FILE`, else the system's store).
    public init(limits: FetchLimits = FetchLimits(), caFile: String? = nil) {
        self.limits = limits
        self.caFile =
            caFile ?? ProcessInfo.processInfo.environment[Self.caFileVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The body of a `200` answer for `url`, following at most ``FetchLimits/maxRedirects`` redirects.
    public func fetch(_ url: String) throws(FetchError) -> [UInt8] {
        var current = url
        for hop in 0...limits.maxRedirects {
            try FetchURLRule.check(current, redirected: hop > 0)
            switch try CurlTransfer(fetcher: self).perform(current) {
            case .body(let bytes): return bytes
            case .redirect(let target): current = target
            }
        }
        throw .tooManyRedirects(limits.maxRedirects)
    }
}
