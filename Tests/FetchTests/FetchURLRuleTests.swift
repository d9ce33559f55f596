import Fetch
import Testing

@Suite struct FetchURLRuleTests {
    @Test(arguments: [
        "https://idp.example.com/metadata", "http://localhost:8080/md", "http://127.0.0.1/md", "http://[::1]:9/x",
    ])
    func accepts(_ url: String) throws {
        try FetchURLRule.check(url)
    }

    @Test(arguments: [
        ("http://idp.example.com/metadata", "https"), ("http://127.evil.example/md", "https"),
        ("ftp://idp.example.com/md", "https"), ("file:///etc/passwd", "absolute"), ("idp.example.com/md", "absolute"),
        ("https://user:secret@idp.example.com/md", "user name"), ("https://idp.example.com/a b", "white space"),
        ("https://idp.example.com/a\r\nX: y", "control"),
    ])
    func refuses(_ url: String, _ reason: String) {
        #expect(FetchURLRule.problem(with: url)?.contains(reason) == true, "\(url)")
    }

    @Test func aRedirectMustBeHTTPSEvenToLoopback() {
        #expect(FetchURLRule.problem(with: "http://127.0.0.1/md", redirected: true) == "only https is followed")
        #expect(FetchURLRule.problem(with: "https://idp.example.com/md", redirected: true) == nil)
    }
}

@Suite struct DocumentFetcherTests {
    @Test func aRefusedURLIsNeverFetched() {
        #expect(
            throws: FetchError.refusedURL(
                "http://idp.example.com/md", reason: "it must use https (http is allowed only for localhost)")
        ) {
            try DocumentFetcher().fetch("http://idp.example.com/md")
        }
    }

    @Test func aClosedPortIsATransferError() throws {
        // Port 9 (discard) on loopback has no listener in the test environment.
        do {
            _ = try DocumentFetcher().fetch("http://127.0.0.1:9/metadata")
            Issue.record("a fetch from a closed port succeeded")
        } catch {
            guard case .transfer(let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(!reason.isEmpty)
        }
    }
}
