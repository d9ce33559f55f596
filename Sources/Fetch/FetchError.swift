/// Why a document could not be fetched; each case names what failed, for the admin.
public enum FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not acceptable (not absolute, not https, http to a host that is not loopback).
    case refusedURL(String, reason: String)
    /// A redirect pointed somewhere the rule refuses.
    case refusedRedirect(String, reason: String)
    /// More redirects than allowed.
    case tooManyRedirects(Int)
    /// The server answered with a status other than 200.
    case status(Int)
    /// The body is over the size limit.
    case tooLarge(limit: Int)
    /// The transfer took longer than the time-out.
    case timedOut(seconds: Int)
    /// Name resolution, connection, TLS or transfer failed (libcurl's reason).
    case transfer(String)

    /// One sentence for the admin.
    public var description: String {
        switch self {
        case .refusedURL(let url, let reason): "cannot fetch '\(url)': \(reason)"
        case .refusedRedirect(let url, let reason): "refused a redirect to '\(url)': \(reason)"
        case .tooManyRedirects(let limit): "more than \(limit) redirects"
        case .status(let status): "the server answered HTTP \(status)"
        case .tooLarge(let limit): "the document is larger than \(limit) bytes"
        case .timedOut(let seconds): "no complete answer within \(seconds) seconds"
        case .transfer(let reason): reason
        }
    }
}
