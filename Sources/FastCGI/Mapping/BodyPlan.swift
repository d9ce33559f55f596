/// How much request body to read, decided from `CONTENT_LENGTH` before touching the input.
///
/// The point is the 413 path: a body over the limit is never buffered, only discarded in small
/// chunks so the connection stays healthy (unread input makes libfcgi drop a kept-alive
/// connection, and closing a socket with unread data sends an RST that can eat our response).
public enum BodyPlan: Sendable, Equatable {
    /// No body.
    case empty
    /// Exactly this many bytes (at most the limit).
    case read(Int)
    /// No length given (FastCGI may still stream a body): read to end of input, up to limit + 1.
    case readToEnd
    /// Over the limit or an unusable length: discard this many bytes (`nil`: to end of input).
    case tooLarge(discard: Int?)

    /// What `CONTENT_LENGTH` asks for, given the body `limit`.
    ///
    /// - Parameter missingLength: the plan without a length: `.readToEnd` for FastCGI (the
    ///   STDIN stream ends with an empty record), `.empty` for CGI (RFC 3875 §4.1.2: no length, no body).
    public init(contentLength: String?, limit: Int, missingLength: BodyPlan) {
        guard let contentLength, !contentLength.isEmpty else {
            self = missingLength
            return
        }
        // Digits only: `Int("+5")` parses, and a signed or spaced length is a client or proxy bug.
        guard contentLength.utf8.count <= 18, contentLength.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = Int(contentLength)
        else {
            self = .tooLarge(discard: nil)
            return
        }
        if length == 0 {
            self = .empty
        } else if length > limit {
            self = .tooLarge(discard: length)
        } else {
            self = .read(length)
        }
    }
}
