public import HTTP

/// Serialises an ``HTTPResponse`` as a CGI response (RFC 3875 §6): `Status:` line, headers, blank line, body.
///
/// The same bytes serve FastCGI's Responder and Authorizer roles and plain CGI. For the
/// Authorizer, status 200 (without `Location`) grants access and `Variable-NAME: value` headers
/// become `NAME` in the environment of the protected request (FastCGI spec §6.3). Any other
/// status denies access; the spec has the web server relay our response, but mod_fcgid answers
/// 401 with Apache's own page instead (use `ErrorDocument 401` to send users to sign-in), and it
/// also copies the `Variable-` headers into the client's response (strip them with mod_headers).
public enum CGIResponseEncoder {
    /// The whole response as bytes.
    ///
    /// Header names that are not HTTP tokens are dropped, and control characters in values become
    /// spaces (``HeaderValue/sanitized(_:)``), so a value derived from user input can never split the response. A `Content-Length` is
    /// added when the handler gave none (except for 1xx/204/304), which lets the web server keep
    /// the client connection alive without chunking.
    public static func encode(_ response: HTTPResponse) -> [UInt8] {
        var head = "Status: \(response.status) \(response.reasonPhrase)\r\n"
        var hasLength = false
        for (name, value) in response.headers {
            guard isToken(name), name.lowercased() != "status" else { continue }
            if name.lowercased() == "content-length" { hasLength = true }
            head += "\(name): \(HeaderValue.sanitized(value))\r\n"
        }
        let bodyAllowed = response.status >= 200 && response.status != 204 && response.status != 304
        if !hasLength && bodyAllowed {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if bodyAllowed { bytes += response.body }
        return bytes
    }

    /// RFC 9110 token characters.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default:
                    "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}
