#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pipe that becomes readable, for good, once `signal()` is called.
///
/// Workers idling on a kept-alive web server connection `poll` it next to that connection, so
/// `stop()` can wake them without touching a descriptor another thread may be closing.
/// The byte is never read: after `signal()` every later `poll` sees it too.
final class WakePipe: Sendable {
    /// The read end, to `poll` for `POLLIN`.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() throws(FastCGIError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .threadStartFailed(errno: errno) }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Makes the read end readable; safe to call more than once and from any thread.
    func signal() {
        var byte: UInt8 = 1
        _ = Syscall.retryingOnEINTR { write(writeDescriptor, &byte, 1) }
    }
}
