internal import CFCGI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `FCGX_Init` exactly once per process, before any request object exists, without its signal handlers.
///
/// `FCGX_Init` (Debian's libfcgi 2.4.2) installs process-wide signal handlers. For SIGTERM and
/// SIGUSR1 it installs one that sets libfcgi's shutdown flag, which is never cleared: every later
/// `FCGX_Accept_r` fails at once with -9999. It does so when the disposition is SIG_DFL or SIG_IGN,
/// and keeps a handler the program installed. For SIGPIPE it installs a handler that does nothing,
/// over SIG_IGN too. SIGINT it leaves alone. Accepting requests installs nothing more.
///
/// Left in place, a SIGTERM taken by any thread that does not block it (see ``StopSignals``) runs
/// that handler instead of reaching the server's signal thread: the process stops accepting yet
/// keeps running, logs nothing, and its supervisor waits out its stop timeout and kills it. A
/// SIGUSR1 would do the same, and it is no stop signal of ours. So SIGTERM, SIGINT and SIGUSR1
/// get back the dispositions they had before, and SIGPIPE is ignored outright: a client that went
/// away then yields EPIPE from the write, in every thread, with no handler to run.
enum LibraryInit {
    private static let result: Int32 = {
        let before = [SIGTERM, SIGINT, SIGUSR1].map { signalNumber in
            var action = sigaction()
            _ = sigaction(signalNumber, nil, &action)
            return (signalNumber, action)
        }
        let result = FCGX_Init()
        for (signalNumber, action) in before {
            var action = action
            _ = sigaction(signalNumber, &action, nil)
        }
        _ = signal(SIGPIPE, SIG_IGN)
        return result
    }()

    /// Runs `FCGX_Init` the first time; throws if it failed (then and on every later call).
    static func once() throws(FastCGIError) {
        guard result == 0 else { throw .libraryInitFailed(code: result) }
    }
}
