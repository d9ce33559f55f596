import HTTP
import Testing

@testable import FastCGI

@Suite struct CGIResponseEncoderTests {
    private func text(_ response: HTTPResponse) -> String {
        String(decoding: CGIResponseEncoder.encode(response), as: UTF8.self)
    }

    @Test func statusHeadersBlankLineBody() {
        let response = HTTPResponse(
            status: 303, headers: [("Location", "/x"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
            body: Array("hi".utf8))
        #expect(
            text(response)
                == "Status: 303 See Other\r\nLocation: /x\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nhi"
        )
    }

    @Test func keepsTheHandlersContentLength() {
        let response = HTTPResponse(status: 200, headers: [("content-length", "2")], body: Array("ok".utf8))
        #expect(text(response) == "Status: 200 OK\r\ncontent-length: 2\r\n\r\nok")
    }

    @Test func noContentHasNoBodyAndNoLength() {
        let response = HTTPResponse(status: 204, headers: [("X-Samlgate-Email", "a@b.c")], body: Array("x".utf8))
        #expect(text(response) == "Status: 204 No Content\r\nX-Samlgate-Email: a@b.c\r\n\r\n")
    }

    @Test func authorizerVariablesPassThrough() {
        let response = HTTPResponse(status: 200, headers: [("Variable-SAMLGATE_EMAIL", "a@b.c")])
        #expect(text(response) == "Status: 200 OK\r\nVariable-SAMLGATE_EMAIL: a@b.c\r\nContent-Length: 0\r\n\r\n")
    }

    @Test(arguments: ["X-Evil\r\nSet-Cookie", "Bad Name", "", "Status", "X:Y"])
    func dropsHeadersWithInvalidNames(name: String) {
        let response = HTTPResponse(status: 200, headers: [(name, "v")])
        #expect(text(response) == "Status: 200 OK\r\nContent-Length: 0\r\n\r\n")
    }

    @Test(arguments: ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\u{0}b"])
    func valuesCannotSplitTheResponse(value: String) {
        let encoded = text(HTTPResponse(status: 302, headers: [("Location", value)]))
        let lines = encoded.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)  // Status, Location, Content-Length, blank, empty body
        #expect(lines.allSatisfy { !$0.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\u{0}" } })
    }

    @Test func unknownStatusStillHasAReason() {
        #expect(text(HTTPResponse(status: 418)).hasPrefix("Status: 418 Status\r\n"))
    }
}
