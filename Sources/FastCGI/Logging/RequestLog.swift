public import HTTP
public import Logging

/// The one structured line logged per request, shared by the FastCGI and CGI transports.
public enum RequestLog {
    /// Logs `method path status duration_ms` plus the handler's `logMetadata` (account, outcome, reference).
    ///
    /// Transport facts (`client_gone`, `body=truncated`) come in `extra`. Never logs the query
    /// string, cookies or body: they can carry SAML responses and session tokens.
    public static func record(
        _ logger: Logger, method: String, path: String, status: Int, duration: Duration,
        metadata: [String: String] = [:], extra: [String: String] = [:]
    ) {
        var fields: Logger.Metadata = [
            "method": .string(method), "path": .string(path), "status": .stringConvertible(status),
            "duration_ms": .string(milliseconds(duration)),
        ]
        for (key, value) in metadata { fields[key] = .string(value) }
        for (key, value) in extra { fields[key] = .string(value) }
        let level: Logger.Level = status >= 500 ? .error : .info
        logger.log(level: level, "request", metadata: fields)
    }

    /// A duration as milliseconds with one decimal, e.g. `0.4`.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = seconds * 10_000 + attoseconds / 100_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Convenience for a request/response pair.
    public static func record(
        _ logger: Logger, request: HTTPRequest, response: HTTPResponse, duration: Duration,
        extra: [String: String] = [:]
    ) {
        var extra = extra
        if request.role == .authorizer { extra["role"] = "authorizer" }
        record(
            logger, method: request.method, path: request.path, status: response.status, duration: duration,
            metadata: response.logMetadata, extra: extra)
    }
}
