/// Something that answers HTTP requests; the FastCGI and CGI transports drive one of these.
///
/// Called concurrently from the transport's worker threads, hence `Sendable`.
public protocol HTTPHandler: Sendable {
    /// Answers one request. Never throws: failures become error responses.
    func handle(_ request: HTTPRequest) -> HTTPResponse

    /// Whether a request to `path` (percent-encoded, as in ``HTTPRequest/path``) needs its body.
    ///
    /// The transport asks before it reads anything. When false it reads no body and hands the handler an
    /// empty one, whatever `CONTENT_LENGTH` says: a check the web server makes on behalf of another
    /// request (nginx `auth_request`) carries that request's length but none of its bytes.
    func readsBody(path: String) -> Bool
}

extension HTTPHandler {
    /// Every request's body is read (up to the transport's limit) unless the handler says otherwise.
    public func readsBody(path: String) -> Bool { true }
}
