#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creating a listening unix socket the way an operator expects (libfcgi's own helper neither
/// removes a stale file nor sets permissions, and treats any path with a `:` as TCP).
enum UnixSocket {
    /// Binds and listens on `path`, replacing a stale socket file, then applies `permissions` and `group`.
    static func listen(path: String, backlog: Int32, permissions: UInt16, group: String?) throws(FastCGIError) -> Int32
    {
        let target = "unix:\(path)"
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw .socketPathInUse(path: path, reason: "the path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
        }
        try removeStaleSocket(path: path, address: address)

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .listenFailed(target: target, call: "socket", errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .listenFailed(target: target, call: "bind", errno: code)
        }
        // Until chmod the file has umask permissions, which are never wider than the ones asked for
        // in practice (connect needs write permission; umask 022 leaves it to the owner).
        if let group {
            guard let entry = getgrnam(group) else {
                close(fd)
                unlink(path)
                throw .socketPathInUse(path: path, reason: "no such group '\(group)'")
            }
            guard chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
                let code = errno
                close(fd)
                unlink(path)
                throw .listenFailed(target: target, call: "chown to group \(group)", errno: code)
            }
        }
        guard chmod(path, mode_t(permissions)) == 0, Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            throw .listenFailed(target: target, call: "chmod/listen", errno: code)
        }
        return fd
    }

    /// Removes `path` if it is a socket nobody accepts on; refuses to touch a live socket or a non-socket.
    private static func removeStaleSocket(path: String, address: sockaddr_un) throws(FastCGIError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw .socketPathInUse(path: path, reason: "the path exists and is not a socket")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return }
        defer { close(probe) }
        var address = address
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        // Interrupted while waiting on a full backlog still means a listener: never unlink a live socket.
        guard connected != 0, errno != EINTR else {
            throw .socketPathInUse(path: path, reason: "another process is listening on it")
        }
        unlink(path)
    }
}
