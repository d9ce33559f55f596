#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A joinable pthread running one closure.
///
/// Plain pthreads rather than Swift concurrency: each worker blocks in libfcgi's `accept`/`read`
/// for as long as it likes, which must never starve the cooperative pool. Threads inherit the
/// creating thread's signal mask, which is how workers end up with SIGTERM blocked.
final class PosixThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let handle: pthread_t

    /// Starts `body` on a new thread; `name` is for diagnostics only.
    init(name: String, _ body: @escaping @Sendable () -> Void) throws(FastCGIError) {
        let box = Unmanaged.passRetained(Body(body))
        var handle = pthread_t()
        let rc = pthread_create(
            &handle, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw .threadStartFailed(errno: rc)
        }
        self.handle = handle
    }

    /// Waits for the thread's closure to return.
    func join() {
        _ = pthread_join(handle, nil)
    }
}
