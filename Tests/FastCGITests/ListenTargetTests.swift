import Testing

@testable import FastCGI

@Suite struct ListenTargetTests {
    @Test(arguments: [
        ("unix:/run/samlgate.sock", ListenTarget.unixSocket(path: "/run/samlgate.sock")),
        ("127.0.0.1:9000", .tcp(host: "127.0.0.1", port: 9000)),
        ("localhost:1", .tcp(host: "localhost", port: 1)),
    ])
    func parses(text: String, target: ListenTarget) throws {
        #expect(try ListenTarget(parsing: text) == target)
    }

    @Test(arguments: [
        ":9000", "9000", "host:", "host:0", "host:70000", "unix:", "unix:relative.sock", "a:b:9000", "[::1]:9000", "",
    ])
    func rejects(text: String) {
        #expect(throws: FastCGIError.invalidListenTarget(text)) { try ListenTarget(parsing: text) }
    }

    @Test func describesInListenSyntax() {
        #expect(ListenTarget.unixSocket(path: "/s").description == "unix:/s")
        #expect(ListenTarget.tcp(host: "127.0.0.1", port: 9).description == "127.0.0.1:9")
        #expect(ListenTarget.standardInput.description == "fd:0")
    }
}
