import Foundation
import Synchronization

/// The responder's background refresh: a thread that asks the store every ``tick`` which accounts are
/// due and refreshes them (``MetadataRefresher``), until ``stop()``.
///
/// Every responder process runs one; the store's lease makes them take turns, so an account is
/// fetched once per due time however many processes (mod_fcgid) or nodes there are. The check is one
/// indexed read, cheap at any tick.
public final class MetadataRefreshLoop: Sendable {
    private let refresher: MetadataRefresher
    private let tick: TimeInterval
    private let report: @Sendable (Result<[MetadataRefreshReport], any Error>) -> Void
    private let stopped = Mutex(false)
    private let wake = NSCondition()

    /// A loop over `refresher` checking every `tick` seconds; `report` hears each round that did something,
    /// and failures as ``RepeatedFailureFilter`` lets them through.
    public init(
        refresher: MetadataRefresher, tick: TimeInterval = 5,
        report: @escaping @Sendable (Result<[MetadataRefreshReport], any Error>) -> Void
    ) {
        self.refresher = refresher
        self.tick = tick
        self.report = report
    }

    /// Starts the thread.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "samlgate-metadata-refresh"
        thread.start()
    }

    /// Ends the loop after the round in progress, if any.
    public func stop() {
        stopped.withLock { $0 = true }
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    private func run() {
        // A store that is down fails every tick: report it when it starts, when the reason changes, and
        // every five minutes while it lasts.
        var failures = RepeatedFailureFilter(interval: 300)
        while !stopped.withLock({ $0 }) {
            do {
                let reports = try refresher.refreshDue()
                failures.succeeded()
                if !reports.isEmpty { report(.success(reports)) }
            } catch {
                if failures.shouldReport("\(error)", now: Date()) { report(.failure(error)) }
            }
            wake.lock()
            if !stopped.withLock({ $0 }) { _ = wake.wait(until: Date().addingTimeInterval(tick)) }
            wake.unlock()
        }
    }
}
