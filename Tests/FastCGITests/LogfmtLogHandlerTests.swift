import Foundation
import Logging
import Testing

@testable import FastCGI

@Suite struct LogfmtLogHandlerTests {
    @Test func leadingKeysFirstThenSorted() {
        let line = LogfmtLogHandler.format(
            timestamp: "T", level: .info, message: "request",
            metadata: [
                "outcome": "ok", "status": "200", "path": "/sso/a/acs", "method": "POST", "duration_ms": "1.5",
                "account": "acme",
            ])
        #expect(
            line
                == "ts=T level=info msg=request method=POST path=/sso/a/acs status=200 duration_ms=1.5 account=acme outcome=ok"
        )
    }

    @Test(arguments: [
        ("plain", "plain"), ("", "\"\""), ("two words", "\"two words\""), ("a=b", "\"a=b\""),
        ("line\nbreak", "\"line\\nbreak\""), ("q\"uote", "\"q\\\"uote\""), ("back\\slash", "\"back\\\\slash\""),
        ("bell\u{7}", "\"bell\\u{7}\""),
    ])
    func quoting(value: String, expected: String) {
        #expect(LogfmtLogHandler.quoted(value) == expected)
    }

    @Test func timestampShape() throws {
        let stamp = LogfmtLogHandler.timestamp()
        #expect(stamp.count == 24)
        #expect(stamp.hasSuffix("Z"))
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try #require(parser.date(from: stamp))
        #expect(abs(parsed.timeIntervalSinceNow) < 5)
    }

    @Test func durationInMilliseconds() {
        #expect(RequestLog.milliseconds(.milliseconds(12) + .microseconds(345)) == "12.3")
        #expect(RequestLog.milliseconds(.seconds(2)) == "2000.0")
        #expect(RequestLog.milliseconds(.zero) == "0.0")
    }
}
