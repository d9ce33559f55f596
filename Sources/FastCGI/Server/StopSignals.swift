#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGTERM and SIGINT, the signals that stop a ``FastCGIServer``: blocked in every thread, taken by one.
///
/// The kernel hands a signal sent to the process to any one thread that does not block it. The
/// server's signal thread takes them with `sigtimedwait`, which only works if no other thread can
/// take them first: one that leaves them unblocked dies of SIGINT's default action, or runs whatever
/// handler SIGTERM has, and the server never hears of it. Threads inherit the mask of the thread
/// that creates them, so blocking early enough covers them all.
public enum StopSignals {
    /// SIGTERM (mod_fcgid, systemd) and SIGINT (a terminal).
    ///
    /// Not SIGUSR1, although libfcgi treats it as a graceful stop: the Swift runtime's crash
    /// backtracer suspends the other threads with SIGUSR1 and waits for each to answer. With SIGUSR1
    /// blocked and taken here, every crash (an `abort` in libfcgi included) would stall for 2 s per
    /// thread — 32 s with a 16-thread pool — before the process died and its supervisor could restart it.
    static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    /// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it starts from now on.
    ///
    /// Call before starting any thread: at the top of `main` in a program that runs a server with
    /// ``FastCGIServer/Configuration/handlesSignals`` on, before anything (a store's background
    /// checkpointer, a first libdispatch job) may start one. `run()` blocks them too, but only
    /// threads started after that inherit it. A signal that arrives before the server runs stays
    /// pending and stops it as soon as it starts.
    public static func blockInThisThread() {
        var signals = set
        _ = pthread_sigmask(SIG_BLOCK, &signals, nil)
    }
}
