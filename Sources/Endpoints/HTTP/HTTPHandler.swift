/// Something that answers HTTP requests; the FastCGI and CGI transports drive one of these.
///
/// Called concurrently from the transport's worker threads, hence `Sendable`.
public protocol HTTPHandler: Sendable {
    /// Answers one request. Never throws: failures become error responses.
    func handle(_ request: HTTPRequest) -> HTTPResponse
}
