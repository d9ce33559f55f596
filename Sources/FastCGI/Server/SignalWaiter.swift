import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thread that turns SIGTERM/SIGINT into `FastCGIServer.stop()`.
///
/// The signals are blocked in every thread (see ``StopSignals``), so they stay pending until this
/// thread takes them with `sigtimedwait` — no async-signal-safety concerns, and `stop()` runs as
/// ordinary code.
/// The 200 ms timeout lets it notice that the server stopped for another reason.
final class SignalWaiter {
    private var thread: PosixThread?

    init(server: FastCGIServer) throws(FastCGIError) {
        thread = try PosixThread(name: "fcgi-signals") {
            var set = StopSignals.set
            var timeout = timespec(tv_sec: 0, tv_nsec: 200_000_000)
            while !server.hasStopped {
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

    /// Waits for the thread, which ends within one timeout of the server's stop.
    func finish() {
        thread?.join()
        thread = nil
    }
}
