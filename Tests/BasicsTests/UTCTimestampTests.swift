import Basics
import Testing

@Suite struct UTCTimestampTests {
    @Test(arguments: [
        (1_796_054_400.9, UTCTimestamp.Precision.seconds, "2026-11-30T16:00:00Z"),
        (1_796_054_400.9876, .milliseconds, "2026-11-30T16:00:00.987Z"),
        (0, .milliseconds, "1970-01-01T00:00:00.000Z"),
        (253_402_300_799, .seconds, "9999-12-31T23:59:59Z"),
        (253_402_300_800, .seconds, "10000-01-01T00:00:00Z"),
        (-62_135_683_200, .seconds, "0000-12-31T00:00:00Z"),
        (-62_167_305_600, .seconds, "-001-12-31T00:00:00Z"),
    ])
    func formats(seconds: Double, precision: UTCTimestamp.Precision, expected: String) {
        #expect(UTCTimestamp.format(secondsSince1970: seconds, precision: precision) == expected)
    }

    @Test func nowHasTheRequestedShape() {
        #expect(UTCTimestamp.now(precision: .milliseconds).count == 24)
        #expect(UTCTimestamp.now(precision: .seconds).count == 20)
    }
}
