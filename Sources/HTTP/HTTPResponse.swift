/// One HTTP response from a handler, which the transport writes back (as CGI-style headers for FastCGI).
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Headers in order; repeated names (e.g. `Set-Cookie`) are allowed.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]
    /// Facts for the one structured log line per request (`account`, `outcome`, `reference`, …).
    public var logMetadata: [String: String]

    /// Creates a response.
    public init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        logMetadata: [String: String] = [:]
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.logMetadata = logMetadata
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The standard reason phrase for the status, for the CGI `Status:` line.
    public var reasonPhrase: String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 302: "Found"
        case 303: "See Other"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
