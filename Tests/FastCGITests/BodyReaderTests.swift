import Testing

@testable import FastCGI

/// An in-memory byte source that hands out at most `step` bytes per read, counting what was read.
final class ByteSource {
    var bytes: [UInt8]
    var offset = 0
    let step: Int
    var failAt: Int?

    init(_ bytes: [UInt8], step: Int = 1000, failAt: Int? = nil) {
        self.bytes = bytes
        self.step = step
        self.failAt = failAt
    }

    func read(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        if let failAt, offset >= failAt { return -1 }
        let count = min(buffer.count, step, bytes.count - offset)
        guard count > 0 else { return 0 }
        buffer.copyBytes(from: bytes[offset..<offset + count])
        offset += count
        return count
    }
}

@Suite struct BodyPlanTests {
    @Test(
        arguments: [
            (nil, BodyPlan.readToEnd), ("", .readToEnd), ("0", .empty), ("10", .read(10)), ("100", .read(100)),
            ("101", .tooLarge(discard: 101)), ("-1", .tooLarge(discard: nil)), ("+5", .tooLarge(discard: nil)),
            (" 5", .tooLarge(discard: nil)), ("abc", .tooLarge(discard: nil)),
            ("99999999999999999999999", .tooLarge(discard: nil)),
        ] as [(String?, BodyPlan)])
    func fromContentLength(length: String?, plan: BodyPlan) {
        #expect(BodyPlan(contentLength: length, limit: 100, missingLength: .readToEnd) == plan)
    }

    @Test func authorizerNeverReadsABody() {
        let handler = TestHandler(recorder: Recorder())
        #expect(FastCGIServer.bodyPlan(["FCGI_ROLE": "AUTHORIZER"], limit: 10, handler: handler) == .empty)
        #expect(
            FastCGIServer.bodyPlan(["FCGI_ROLE": "AUTHORIZER", "CONTENT_LENGTH": "5"], limit: 10, handler: handler)
                == .empty)
        #expect(FastCGIServer.bodyPlan(["FCGI_ROLE": "RESPONDER"], limit: 10, handler: handler) == .readToEnd)
        #expect(
            FastCGIServer.bodyPlan(["FCGI_ROLE": "RESPONDER", "CONTENT_LENGTH": "5"], limit: 10, handler: handler)
                == .read(5))
    }

    @Test func aPathWhoseBodyTheHandlerDoesNotReadHasNone() {
        let handler = TestHandler(recorder: Recorder())
        for uri in ["/check", "/check?x=1"] {
            let parameters = ["FCGI_ROLE": "RESPONDER", "REQUEST_URI": uri, "CONTENT_LENGTH": "300000"]
            #expect(FastCGIServer.bodyPlan(parameters, limit: 10, handler: handler) == .empty)
        }
        let other = ["FCGI_ROLE": "RESPONDER", "REQUEST_URI": "/checked", "CONTENT_LENGTH": "5"]
        #expect(FastCGIServer.bodyPlan(other, limit: 10, handler: handler) == .read(5))
    }

    @Test func cgiWithoutLengthHasNoBody() {
        #expect(BodyPlan(contentLength: nil, limit: 100, missingLength: .empty) == .empty)
    }
}

@Suite struct BodyReaderTests {
    let data = (0..<5000).map { UInt8($0 % 251) }

    @Test func readsExactlyTheDeclaredLength() {
        let source = ByteSource(data, step: 333)
        #expect(BodyReader.read(.read(1234), limit: 2000, from: source.read) == .complete(Array(data[..<1234])))
        #expect(source.offset == 1234)
    }

    @Test func shortInputIsTruncated() {
        let source = ByteSource(Array(data[..<10]))
        #expect(BodyReader.read(.read(20), limit: 100, from: source.read) == .truncated(expected: 20, received: 10))
    }

    @Test func tooLargeIsDiscardedNotKept() {
        let source = ByteSource(data, step: 700)
        #expect(BodyReader.read(.tooLarge(discard: 5000), limit: 100, from: source.read) == .tooLarge(drained: true))
        #expect(source.offset == 5000)
    }

    @Test func readToEndWithinAndOverTheLimit() {
        #expect(BodyReader.read(.readToEnd, limit: 5000, from: ByteSource(data).read) == .complete(data))
        let over = ByteSource(data)
        #expect(BodyReader.read(.readToEnd, limit: 4999, from: over.read) == .tooLarge(drained: true))
        #expect(over.offset == 5000)
    }

    @Test func unknownLengthIsLeftAloneWhenAskedTo() {
        let source = ByteSource(data)
        #expect(
            BodyReader.read(.tooLarge(discard: nil), limit: 10, drainsUnknownLength: false, from: source.read)
                == .tooLarge(drained: false))
        #expect(source.offset == 0)
    }

    @Test func inputErrorWhileDiscarding() {
        let source = ByteSource(data, failAt: 2000)
        #expect(BodyReader.read(.tooLarge(discard: 5000), limit: 10, from: source.read) == .tooLarge(drained: false))
    }

    @Test func emptyPlanReadsNothing() {
        let source = ByteSource(data)
        #expect(BodyReader.read(.empty, limit: 10, from: source.read) == .complete([]))
        #expect(source.offset == 0)
    }
}
