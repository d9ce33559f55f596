#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place system calls are retried after a signal interrupted them.
///
/// A blocking call fails with EINTR when a signal handler (any the host program or a library
/// installed) ran while it waited: that is never a real failure, so the blocking reads, writes and
/// polls go through ``retryingOnEINTR(_:)`` instead of writing their own loops, as swift-nio's `syscall`
/// wrapper does. One call stays outside on purpose: the probing `connect` in `UnixSocket`, which cannot
/// simply be repeated after EINTR (the attempt goes on in the background).
enum Syscall {
    /// Calls `call` again for as long as it returns a negative value with `errno` EINTR.
    ///
    /// Any other result, a failure included (negative, `errno` set), is returned for the caller to judge.
    static func retryingOnEINTR<Result: SignedInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }

    /// Writes all of `bytes` to `fd`; nil when done, else the errno (EPIPE for a write that took nothing).
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = retryingOnEINTR { write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset) }
            guard written > 0 else { return written < 0 ? errno : EPIPE }
            offset += written
        }
        return nil
    }
}
