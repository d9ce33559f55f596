public import HTTP
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FastCGIServer {
    /// How the responder listens and how much work it takes on.
    public struct Configuration: Sendable {
        /// Where to accept connections; `.standardInput` under mod_fcgid and spawn-fcgi.
        public var listen: ListenTarget
        /// Worker threads, each serving one request at a time. Default: online cores × 2, since a
        /// request mostly waits on SQLite or crypto, not on the network.
        ///
        /// Keep nginx's upstream `keepalive` below this when `fastcgi_keep_conn` is on: each kept
        /// connection pins one worker, and nginx deadlocks when all are pinned. mod_fcgid sends one
        /// request at a time per process, so 1 is enough there.
        public var threadCount: Int
        /// The largest body read into memory; larger ones reach the handler with `bodyTooLarge` set.
        public var maximumBodySize: Int
        /// The listen backlog.
        public var backlog: Int32
        /// Whether `run()` stops on SIGTERM and SIGINT.
        /// Turn off when the embedding program handles signals itself and calls `stop()`.
        public var handlesSignals: Bool
        /// Where the per-request lines and transport warnings go.
        public var logger: Logger

        /// A configuration with samlgate's defaults.
        public init(
            listen: ListenTarget = .standardInput, threadCount: Int = Configuration.defaultThreadCount,
            maximumBodySize: Int = HTTPRequest.maximumBodySize, backlog: Int32 = 128, handlesSignals: Bool = true,
            logger: Logger = Logger(label: "samlgate.fastcgi")
        ) {
            self.listen = listen
            self.threadCount = max(1, threadCount)
            self.maximumBodySize = maximumBodySize
            self.backlog = backlog
            self.handlesSignals = handlesSignals
            self.logger = logger
        }

        /// Online cores × 2 (at least 2).
        public static var defaultThreadCount: Int {
            max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) * 2)
        }
    }
}
