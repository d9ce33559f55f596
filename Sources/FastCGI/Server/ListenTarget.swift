/// Where the responder accepts web server connections.
public enum ListenTarget: Sendable, Hashable, CustomStringConvertible {
    /// The listening socket the parent left on file descriptor 0, as mod_fcgid and spawn-fcgi start us.
    case standardInput
    /// A unix socket at `path`, created with `permissions` and, when given, chowned to `group`.
    ///
    /// A stale socket file (nothing accepts on it) is removed first; a live one or a non-socket is an error.
    /// The default 0660 follows php-fpm: anyone who can connect can claim any identity to the
    /// Authorizer role and forge `REMOTE_ADDR`, so the socket is for the web server's group only.
    /// Give `group: "www-data"` (nginx and Apache's user on Debian), or 0o666 when the socket's
    /// directory already restricts who can reach it.
    case unixSocket(path: String, permissions: UInt16 = 0o660, group: String? = nil)
    /// A TCP socket on `host:port`, `host` an IPv4 address or a name (libfcgi's `FCGX_OpenSocket` has no IPv6).
    /// The host is required: libfcgi listens on every interface when it is empty.
    case tcp(host: String, port: Int)

    /// Parses the `--listen` syntax: `unix:/run/samlgate.sock` or `127.0.0.1:9000`.
    public init(parsing text: String) throws(FastCGIError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard path.hasPrefix("/") || path.hasPrefix("."), !path.utf8.contains(0) else {
                throw .invalidListenTarget(text)
            }
            self = .unixSocket(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":") else { throw .invalidListenTarget(text) }
        let host = String(text[..<colon])
        guard !host.isEmpty, !host.contains(":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { throw .invalidListenTarget(text) }
        self = .tcp(host: host, port: port)
    }

    /// The target in `--listen` syntax (`fd:0` for standard input).
    public var description: String {
        switch self {
        case .standardInput: "fd:0"
        case .unixSocket(let path, _, _): "unix:\(path)"
        case .tcp(let host, let port): "\(host):\(port)"
        }
    }
}
