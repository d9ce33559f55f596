internal import CFCGI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one listening socket every worker accepts on; owns the descriptor (except fd 0) and a unix socket's file.
///
/// Opened in `FastCGIServer.init`, so clients can connect (into the backlog) before `run()` starts.
final class ListeningSocket: Sendable {
    /// The listening descriptor passed to `FCGX_InitRequest`.
    let descriptor: Int32
    private let ownsDescriptor: Bool
    private let unixPath: String?

    init(target: ListenTarget, backlog: Int32) throws(FastCGIError) {
        switch target {
        case .standardInput:
            guard Self.isListeningSocket(0) else { throw .standardInputNotListening }
            descriptor = 0
            ownsDescriptor = false
            unixPath = nil
        case .tcp(let host, let port):
            guard !host.isEmpty else { throw .invalidListenTarget(target.description) }
            let fd = FCGX_OpenSocket("\(host):\(port)", backlog)
            guard fd >= 0 else {
                throw .listenFailed(target: target.description, call: "FCGX_OpenSocket", errno: errno)
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            descriptor = fd
            ownsDescriptor = true
            unixPath = nil
        case .unixSocket(let path, let permissions, let group):
            descriptor = try UnixSocket.listen(path: path, backlog: backlog, permissions: permissions, group: group)
            ownsDescriptor = true
            unixPath = path
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
        if let unixPath { unlink(unixPath) }
    }

    /// Wakes every thread blocked in `accept` (it returns EINVAL) and refuses new connections.
    ///
    /// Works on fd 0 too, which we must not close: the parent (mod_fcgid) still owns it.
    func shutdownListening() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Whether connections arrive over a unix-domain socket (ours, or mod_fcgid's on fd 0).
    ///
    /// Decides how a finished connection is closed: see ``FCGXRequest/closeWithoutLinger()``.
    var isUnixDomain: Bool { Self.family(descriptor) == sa_family_t(AF_UNIX) }

    /// The address family of a socket descriptor, or nil.
    static func family(_ fd: Int32) -> sa_family_t? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return rc == 0 ? address.ss_family : nil
    }

    /// True when `fd` is a socket in the listening state (`SO_ACCEPTCONN`).
    ///
    /// A connected socket is not enough: mod_cgid hands a CGI program a connected unix socket as stdin.
    static func isListeningSocket(_ fd: Int32) -> Bool {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 else { return false }
        return accepting != 0
    }
}
