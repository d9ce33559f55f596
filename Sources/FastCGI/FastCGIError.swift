/// What can go wrong while setting up or running the FastCGI/CGI transport.
///
/// Each case carries what an operator needs to fix it; ``description`` is the sentence to print.
/// Per-request trouble (a client that went away, a truncated body) is logged, never thrown:
/// one bad request must not stop the responder.
public enum FastCGIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--listen` was not `unix:PATH` or `HOST:PORT`.
    case invalidListenTarget(String)
    /// The unix socket path exists, is live (something accepted a connection), or is not a socket.
    case socketPathInUse(path: String, reason: String)
    /// A system call failed while opening the listening socket.
    case listenFailed(target: String, call: String, errno: Int32)
    /// File descriptor 0 is not a listening socket, so there is nothing to accept on.
    case standardInputNotListening
    /// `FCGX_Init` failed (libfcgi could not initialise).
    case libraryInitFailed(code: Int32)
    /// A worker or signal thread could not be started.
    case threadStartFailed(errno: Int32)
    /// `run()` was called twice, or after `stop()`.
    case alreadyStarted
    /// The web server asked for a role samlgate does not play (e.g. the FastCGI Filter role).
    case unsupportedRole(String)
    /// Writing the CGI response failed.
    case writeFailed(errno: Int32)

    /// A human sentence for logs and the command line.
    public var description: String {
        switch self {
        case .invalidListenTarget(let text):
            "invalid listen target '\(text)': use unix:/path/to.sock or HOST:PORT (e.g. 127.0.0.1:9000)"
        case .socketPathInUse(let path, let reason):
            "cannot listen on unix socket \(path): \(reason)"
        case .listenFailed(let target, let call, let code):
            "cannot listen on \(target): \(call) failed: \(SystemError.message(code))"
        case .standardInputNotListening:
            "file descriptor 0 is not a listening socket: start under mod_fcgid or spawn-fcgi, or pass --listen"
        case .libraryInitFailed(let code):
            "libfcgi failed to initialise (FCGX_Init returned \(code))"
        case .threadStartFailed(let code):
            "cannot start a thread: \(SystemError.message(code))"
        case .alreadyStarted:
            "the FastCGI server was already started or stopped; create a new one"
        case .unsupportedRole(let role):
            "unsupported FastCGI role \(role): samlgate is a Responder or an Authorizer"
        case .writeFailed(let code):
            "cannot write the response: \(SystemError.message(code))"
        }
    }
}
