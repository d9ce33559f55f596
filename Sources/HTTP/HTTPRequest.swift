/// One HTTP request as the handlers see it: plain values, no FastCGI or CGI in sight.
///
/// The transport (FastCGI, CGI, or a test) fills it from the web server's parameters. Paths are
/// routed on `REQUEST_URI` because nginx and Apache split `SCRIPT_NAME`/`PATH_INFO` differently.
public struct HTTPRequest: Sendable {
    /// What the web server asks of us.
    public enum Role: Sendable, Hashable {
        /// Answer the request (nginx `fastcgi_pass`, Apache as a handler, CGI).
        case responder
        /// Say whether the request may proceed to the application (Apache `FcgidAccessChecker`).
        case authorizer
    }

    /// Responder or Authorizer.
    public var role: Role
    /// `GET`, `POST`, … upper-case.
    public var method: String
    /// The path part of `REQUEST_URI`, still percent-encoded.
    public var path: String
    /// The query string without `?` (may be empty).
    public var query: String
    /// Request headers by lower-cased name (`cookie`, `content-type`, …).
    public var headers: [String: String]
    /// Every parameter the web server passed (`REMOTE_ADDR`, `HTTPS`, `SAMLGATE_ACCOUNT`, …).
    public var parameters: [String: String]
    /// The body; empty when ``bodyTooLarge`` is set.
    public var body: [UInt8]
    /// The declared body was over the limit, so it was not read (the handler answers 413).
    public var bodyTooLarge: Bool

    /// Creates a request.
    public init(
        role: Role = .responder, method: String, path: String, query: String = "", headers: [String: String] = [:],
        parameters: [String: String] = [:], body: [UInt8] = [], bodyTooLarge: Bool = false
    ) {
        self.role = role
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.parameters = parameters
        self.body = body
        self.bodyTooLarge = bodyTooLarge
    }

    /// The largest body samlgate reads, 256 KiB; larger ones are answered 413 unread.
    public static let maximumBodySize = 256 * 1024

    /// The client's address as the web server saw it.
    public var remoteAddress: String? { parameters["REMOTE_ADDR"] }
}
