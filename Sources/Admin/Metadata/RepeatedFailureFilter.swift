import Foundation

/// Decides which failures of a loop that retries every few seconds are worth a log line: the first of a
/// run, one whose reason differs from the last reported, and the same one again once ``interval`` has
/// passed. A store that is down for an hour then says so a dozen times, not seven hundred.
struct RepeatedFailureFilter {
    /// How long the same failure stays unreported after it was last reported.
    let interval: TimeInterval
    private var last: (reason: String, reportedAt: Date)?

    init(interval: TimeInterval) {
        self.interval = interval
    }

    /// Whether the failure with `reason` at `now` should be reported; remembers it if so.
    mutating func shouldReport(_ reason: String, now: Date) -> Bool {
        if let last, last.reason == reason, now.timeIntervalSince(last.reportedAt) < interval { return false }
        last = (reason, now)
        return true
    }

    /// A round succeeded: the next failure starts a new run.
    mutating func succeeded() {
        last = nil
    }
}
