import CoreMetrics
import Foundation
import Prometheus
import Store

/// The responder process's own measurements: ACS and `auth` latency histograms and store errors by
/// kind, recorded through swift-metrics into a Prometheus registry.
///
/// These live in the process that measured them. The numbers that must agree across processes and
/// nodes (sign-ins by outcome and check, sessions, certificate expiry, metadata refresh) are read from
/// the store at each scrape instead (``MetricsScrape``): under mod_fcgid, which runs several responder
/// processes, a scrape reaches one of them, so its histograms are a sample of that process's requests.
public final class GatewayMetrics: Sendable {
    /// No measurements: nothing is recorded, the scrape shows only the store's numbers.
    public static let disabled = GatewayMetrics(enabled: false)

    /// Whether requests are timed.
    public let enabled: Bool
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let acsTimer: CoreMetrics.Timer
    private let authTimer: CoreMetrics.Timer

    /// Histogram buckets, seconds: an `auth` check takes tens of microseconds, a post-back a millisecond
    /// or a few (more with encryption or a slow disk).
    static let buckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(1000),
    ]

    /// Measurements into a registry of their own (`enabled`: whether requests are timed at all).
    public init(enabled: Bool = true) {
        self.enabled = enabled
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.buckets
        self.factory = factory
        acsTimer = CoreMetrics.Timer(
            label: "samlgate_request_duration_seconds", dimensions: [("endpoint", "acs")], factory: factory)
        authTimer = CoreMetrics.Timer(
            label: "samlgate_request_duration_seconds", dimensions: [("endpoint", "auth")], factory: factory)
        // Every kind shows from the start (at 0), so an alert on its increase has a series to watch.
        guard enabled else { return }
        for kind in Self.storeErrorKinds {
            _ = CoreMetrics.Counter(
                label: "samlgate_store_errors_total", dimensions: [("kind", kind)], factory: factory)
        }
    }

    /// The `kind` label's values: a busy store, each storage fault, and anything else the store threw.
    static let storeErrorKinds = ["busy"] + StoreError.StorageFault.allCases.map(\.rawValue) + ["other"]

    /// Runs `body`, timing it as a post-back (`acs`) or a session check.
    @inline(__always)
    func timing<T>(acs: Bool, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let elapsed = DispatchTime.now().uptimeNanoseconds &- start
            (acs ? acsTimer : authTimer).recordNanoseconds(Int64(clamping: elapsed))
        }
        return try body()
    }

    /// Counts a store error of `kind` (`busy`, `disk_full`, …): the store cannot count its own failures.
    func storeError(_ kind: String) {
        guard enabled else { return }
        CoreMetrics.Counter(label: "samlgate_store_errors_total", dimensions: [("kind", kind)], factory: factory)
            .increment()
    }
}
