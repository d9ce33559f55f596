public import HTTP

/// Turns CGI/FastCGI parameters into an ``HTTPRequest``: pure, so it is tested without a socket.
///
/// Both transports pass the same RFC 3875 meta-variables (FastCGI as records, CGI as the
/// environment), so one mapping serves both.
public enum CGIRequestMapping {
    /// Builds the request handlers see from the web server's `parameters` and the body already read.
    ///
    /// - The role comes from `FCGI_ROLE` (libfcgi adds it from the BEGIN_REQUEST record); absent
    ///   under plain CGI, which is always a responder. The Filter role is refused.
    /// - The path is `REQUEST_URI`'s path (still percent-encoded), else `DOCUMENT_URI`, else
    ///   `SCRIPT_NAME` + `PATH_INFO`: nginx and Apache split the latter two differently.
    /// - Headers are the `HTTP_*` parameters, lower-cased with `-` (`HTTP_X_FORWARDED_FOR` →
    ///   `x-forwarded-for`), plus `content-type` and `content-length`.
    public static func request(
        parameters: [String: String], body: [UInt8] = [], bodyTooLarge: Bool = false
    ) throws(FastCGIError) -> HTTPRequest {
        let role: HTTPRequest.Role
        switch parameters["FCGI_ROLE"] {
        case nil, "RESPONDER": role = .responder
        case "AUTHORIZER": role = .authorizer
        case let other?: throw .unsupportedRole(other)
        }
        let target = requestTarget(parameters)
        return HTTPRequest(
            role: role,
            method: (parameters["REQUEST_METHOD"].flatMap { $0.isEmpty ? nil : $0 } ?? "GET").uppercased(),
            path: target.path,
            query: parameters["QUERY_STRING"] ?? target.query ?? "",
            headers: headers(parameters),
            parameters: parameters,
            body: bodyTooLarge ? [] : body,
            bodyTooLarge: bodyTooLarge)
    }

    /// The HTTP headers among the parameters, by lower-cased name.
    static func headers(_ parameters: [String: String]) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in parameters where name.utf8.count > 5 && name.hasPrefix("HTTP_") {
            headers[headerName(name.utf8.dropFirst(5))] = value
        }
        if let type = parameters["CONTENT_TYPE"], !type.isEmpty { headers["content-type"] = type }
        if let length = parameters["CONTENT_LENGTH"], !length.isEmpty { headers["content-length"] = length }
        return headers
    }

    /// The path and (if present) the query of the request target, from the first parameter that has one.
    static func requestTarget(_ parameters: [String: String]) -> (path: String, query: String?) {
        if let uri = parameters["REQUEST_URI"], !uri.isEmpty {
            var target = Substring(uri)
            // An absolute-form target (`GET http://host/path HTTP/1.1`): drop scheme and authority.
            if !target.hasPrefix("/"), let colon = target.firstIndex(of: ":"), target[colon...].hasPrefix("://") {
                let afterScheme = target[target.index(colon, offsetBy: 3)...]
                target = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterScheme[$0...] } ?? "/"
            }
            if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
            guard let question = target.firstIndex(of: "?") else { return (normalized(target), nil) }
            return (normalized(target[..<question]), String(target[target.index(after: question)...]))
        }
        if let documentURI = parameters["DOCUMENT_URI"], !documentURI.isEmpty {
            return (normalized(Substring(documentURI)), nil)
        }
        let joined = (parameters["SCRIPT_NAME"] ?? "") + (parameters["PATH_INFO"] ?? "")
        return (normalized(Substring(joined)), nil)
    }

    private static func normalized(_ path: Substring) -> String {
        path.hasPrefix("/") ? String(path) : "/" + path
    }
}

extension CGIRequestMapping {
    /// `X_FORWARDED_FOR` → `x-forwarded-for`, byte by byte: ASCII upper case folded, `_` → `-`
    /// (web servers only pass ASCII names; other bytes are kept as they are).
    static func headerName(_ bytes: Substring.UTF8View) -> String {
        String(
            decoding: bytes.map { byte in
                switch byte {
                case 0x41...0x5A: byte | 0x20
                case 0x5F: 0x2D
                default: byte
                }
            }, as: UTF8.self)
    }
}
