public import HTTP
import Logging
import Synchronization

/// A FastCGI responder (and authorizer) serving an ``HTTPHandler`` on a fixed pool of threads.
///
/// Each worker loops `FCGX_Accept_r` on the one listening socket; the kernel hands each
/// connection to one of them, so no accept lock is needed on Linux. `run()` blocks until
/// SIGTERM/SIGINT or `stop()`, then lets in-flight requests finish and returns. libfcgi's own
/// signal handlers, which cannot stop a threaded responder, are taken out again at init.
///
/// A program that stops on signals calls ``StopSignals/blockInThisThread()`` at the top of
/// `main`, before it starts any thread.
///
/// Several servers may run in one process (the tests do), one after another or side by side.
///
/// ```swift
/// let server = try FastCGIServer(configuration: .init(listen: .unixSocket(path: "/run/samlgate.sock")),
///                                handler: router)
/// try server.run()
/// ```
public final class FastCGIServer: Sendable {
    private enum Phase {
        case ready, running, stopping, stopped
    }

    /// The configuration the server was created with.
    public let configuration: Configuration
    let handler: any HTTPHandler
    let socket: ListeningSocket
    let wake: WakePipe
    private let phase = Mutex(Phase.ready)

    /// Initialises libfcgi and opens the listening socket, so connections queue up before `run()`.
    ///
    /// From then on SIGPIPE is ignored, so a client that went away yields a write error instead of
    /// killing the process; SIGTERM, SIGINT and SIGUSR1 keep the dispositions they had.
    ///
    /// Throws when the socket cannot be opened (a live socket at the path, a port in use, fd 0
    /// not a listening socket) with a message naming the target.
    public init(configuration: Configuration, handler: any HTTPHandler) throws(FastCGIError) {
        try LibraryInit.once()
        self.configuration = configuration
        self.handler = handler
        socket = try ListeningSocket(target: configuration.listen, backlog: configuration.backlog)
        wake = try WakePipe()
    }

    /// Serves requests until stopped, then waits for in-flight requests and returns.
    ///
    /// Blocks SIGTERM and SIGINT in the calling thread (and so in the workers, which inherit the
    /// mask). Threads started earlier do not inherit it: see ``StopSignals/blockInThisThread()``.
    /// The signals stay blocked in the calling thread afterwards, so a second SIGTERM during
    /// shutdown cannot kill the process after a clean drain.
    public func run() throws(FastCGIError) {
        let started = phase.withLock { phase -> Bool? in
            switch phase {
            case .ready:
                phase = .running
                return true
            case .stopping:
                return false  // stopped before it ran: nothing to serve, nothing to wait for
            case .running, .stopped:
                return nil
            }
        }
        guard let started else { throw .alreadyStarted }
        guard started else { return }

        if configuration.handlesSignals { StopSignals.blockInThisThread() }

        let logger = configuration.logger
        var workers: [PosixThread] = []
        do {
            for index in 0..<configuration.threadCount {
                workers.append(try PosixThread(name: "fcgi-worker-\(index)") { [self] in workerLoop(index: index) })
            }
        } catch {
            stop()
            workers.forEach { $0.join() }
            throw error
        }
        let waiter = configuration.handlesSignals ? try? SignalWaiter(server: self) : nil
        logger.info(
            "listening",
            metadata: ["listen": "\(configuration.listen)", "threads": "\(configuration.threadCount)"])

        workers.forEach { $0.join() }
        phase.withLock { $0 = .stopped }
        waiter?.finish()
        logger.info("stopped")
    }

    /// Stops accepting, lets in-flight requests finish, and makes `run()` return. Safe from any thread, idempotent.
    public func stop() {
        let first = phase.withLock { phase -> Bool in
            switch phase {
            case .ready, .running:
                phase = .stopping
                return true
            case .stopping, .stopped:
                return false
            }
        }
        guard first else { return }
        // Not FCGX_ShutdownPending(): it sets a process-wide flag that is never cleared and makes
        // every later FCGX_Accept_r fail at once (-9999), even a new server's in the same process.
        // shutdown() alone wakes the blocked accepts (EINVAL) and workers check isStopping.
        wake.signal()
        socket.shutdownListening()
    }

    /// True once `stop()` has been called (or a stop signal arrived).
    public var isStopping: Bool {
        phase.withLock { $0 == .stopping || $0 == .stopped }
    }

    /// True once `run()` has seen every worker finish: the signal thread's cue to end.
    var hasStopped: Bool {
        phase.withLock { $0 == .stopped }
    }
}
