import Foundation
import Testing

@testable import Admin

@Suite struct RepeatedFailureFilterTests {
    @Test func theSameFailureIsReportedOncePerIntervalAndAChangeAtOnce() {
        var filter = RepeatedFailureFilter(interval: 300)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let ticks = (0..<120).map { start.addingTimeInterval(Double($0) * 5) }  // ten minutes every 5 s
        let reported = ticks.filter { filter.shouldReport("the database is unavailable", now: $0) }
        #expect(reported == [ticks[0], ticks[60]])
        let changed = filter.shouldReport("another reason", now: ticks[119])
        let repeated = filter.shouldReport("another reason", now: ticks[119].addingTimeInterval(5))
        #expect(changed && !repeated)
    }

    @Test func aSuccessStartsANewRun() {
        var filter = RepeatedFailureFilter(interval: 300)
        let now = Date()
        let first = filter.shouldReport("down", now: now)
        let second = filter.shouldReport("down", now: now.addingTimeInterval(5))
        filter.succeeded()
        let afterSuccess = filter.shouldReport("down", now: now.addingTimeInterval(10))
        #expect(first && !second && afterSuccess)
    }
}
