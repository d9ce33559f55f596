internal import CFCGI
public import HTTP
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Plain CGI: one request from the environment and stdin, one response on stdout, then return.
///
/// For hosts without FastCGI (Apache mod_cgi/mod_cgid, lighttpd mod_cgi). It runs the same
/// handler as the FastCGI server, but pays process start-up, database open and certificate
/// loading on every request.
public enum CGIServer {
    /// True when this process was started as a plain CGI program rather than a FastCGI responder.
    ///
    /// `GATEWAY_INTERFACE` is set and `input` is not a *listening* socket. Checking for any socket
    /// (as "fd 0 is not a socket" suggests) would be wrong: mod_cgid gives a CGI program a
    /// connected unix socket as stdin. libfcgi's own `FCGX_IsCGI` makes the same distinction.
    public static func isPlainCGI(environment: [String: String] = processEnvironment(), input: Int32 = 0) -> Bool {
        environment["GATEWAY_INTERFACE"] != nil && !ListeningSocket.isListeningSocket(input)
    }

    /// The process environment as a dictionary (CGI's request parameters).
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = CFCGI_environment()
        while let pointer = entry?.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry = entry.map { $0 + 1 }
        }
        return result
    }

    /// Serves one request: parameters from `environment`, body from `input`, response to `output`.
    ///
    /// The body rule is the FastCGI one: at most `CONTENT_LENGTH` bytes, and when that is over
    /// `maximumBodySize` the handler sees `bodyTooLarge` while the input is discarded in small chunks.
    /// Without `CONTENT_LENGTH` there is no body (RFC 3875 §4.1.2), so stdin is never read to an
    /// end that may not come; nor when the handler does not read this path's body
    /// (``HTTPHandler/readsBody(path:)``). Returns the response it sent; a write failure is logged, not thrown.
    @discardableResult
    public static func serveOne(
        handler: any HTTPHandler, environment: [String: String] = processEnvironment(), input: Int32 = 0,
        output: Int32 = 1, maximumBodySize: Int = HTTPRequest.maximumBodySize,
        logger: Logger = Logger(label: "samlgate.cgi")
    ) -> HTTPResponse {
        let start = ContinuousClock.now
        signal(SIGPIPE, SIG_IGN)
        var parameters = environment
        parameters["FCGI_ROLE"] = nil  // plain CGI is always a responder
        let plan =
            handler.readsBody(path: CGIRequestMapping.requestTarget(parameters).path)
            ? BodyPlan(contentLength: parameters["CONTENT_LENGTH"], limit: maximumBodySize, missingLength: .empty)
            : .empty
        let outcome = BodyReader.read(plan, limit: maximumBodySize, drainsUnknownLength: false) { buffer in
            Syscall.retryingOnEINTR { read(input, buffer.baseAddress, buffer.count) }
        }
        var extra: [String: String] = [:]
        let request: HTTPRequest
        let response: HTTPResponse
        switch outcome {
        case .complete(let body):
            request = (try? CGIRequestMapping.request(parameters: parameters, body: body)) ?? fallback(parameters)
            response = handler.handle(request)
        case .tooLarge:
            request =
                (try? CGIRequestMapping.request(parameters: parameters, bodyTooLarge: true)) ?? fallback(parameters)
            response = handler.handle(request)
        case .truncated(let expected, let received):
            extra["body"] = "truncated \(received)/\(expected)"
            request = (try? CGIRequestMapping.request(parameters: parameters)) ?? fallback(parameters)
            response = HTTPResponse(status: 400, body: Array("Incomplete request body.\n".utf8))
        }
        if let code = CGIResponseEncoder.encode(response).withUnsafeBytes({ Syscall.writeAll($0, to: output) }) {
            extra["client_gone"] = SystemError.message(code)
        }
        RequestLog.record(
            logger, request: request, response: response, duration: ContinuousClock.now - start, extra: extra)
        return response
    }

    private static func fallback(_ parameters: [String: String]) -> HTTPRequest {
        HTTPRequest(
            method: parameters["REQUEST_METHOD"] ?? "GET", path: CGIRequestMapping.requestTarget(parameters).path)
    }
}
