import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thread that turns SIGTERM/SIGINT into `FastCGIServer.stop()`.
///
/// The signals are blocked in every thread, so they stay pending until this thread takes them
/// with `sigtimedwait` — no async-signal-safety concerns, and `stop()` runs as ordinary code.
/// The 200 ms timeout lets it notice that the server stopped for another reason.
final class SignalWaiter {
    /// SIGTERM (mod_fcgid, systemd) and SIGINT (a terminal).
    ///
    /// Not SIGUSR1, although libfcgi treats it as a graceful stop: the Swift runtime's crash
    /// backtracer suspends the other threads with SIGUSR1 and waits for each to answer. With SIGUSR1
    /// blocked and taken here, every crash (an `abort` in libfcgi included) stalled for 2 s per thread
    /// — 32 s with the default pool — before the process died and its supervisor could restart it.
    static var stopSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    private let finished = LockedValue(false)
    private var thread: PosixThread?

    init(server: FastCGIServer) throws(FastCGIError) {
        let finished = self.finished
        thread = try PosixThread(name: "fcgi-signals") {
            var set = SignalWaiter.stopSignals
            var timeout = timespec(tv_sec: 0, tv_nsec: 200_000_000)
            while !finished.withLock({ $0 }) {
                let received = sigtimedwait(&set, nil, &timeout)
                guard received > 0 else { continue }
                if server.isStopping {
                    server.configuration.logger.info("already stopping", metadata: ["signal": "\(received)"])
                } else {
                    server.configuration.logger.info(
                        "stopping: finishing in-flight requests", metadata: ["signal": "\(received)"])
                    server.stop()
                }
            }
        }
    }

    /// Ends the thread (within one timeout) and waits for it.
    func finish() {
        finished.withLock { $0 = true }
        thread?.join()
        thread = nil
    }
}
