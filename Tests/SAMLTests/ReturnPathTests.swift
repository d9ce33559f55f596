import Testing
import TestSupport

@testable import SAML

/// Rule 11: after sign-in, only same-origin targets; everything else goes home.
struct ReturnPathTests {
    let base = "https://help.example.com/desk"

    @Test(arguments: [
        ("/tickets/42?tab=1", "https://help.example.com/tickets/42?tab=1"),
        ("/", "https://help.example.com/"),
        ("https://help.example.com/desk/x", "https://help.example.com/desk/x"),
        ("https://help.example.com", "https://help.example.com"),
        ("https://HELP.example.com/a", "https://help.example.com/a"),
        // Found by fuzz/run.sh (returnpath): mixed-case schemes come back in our own spelling.
        ("hTtps://help.example.com/desk/x", "https://help.example.com/desk/x"),
        ("https://help.example.com?????????/desk/x", "https://help.example.com?????????/desk/x"),
    ])
    func acceptsSameOrigin(candidate: String, expected: String) {
        #expect(ReturnPath.resolve(candidate, baseURL: base) == expected)
    }

    @Test(arguments: [
        "//evil.example/x", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "http://help.example.com/x",
        "https://help.example.com.evil.example/", "https://help.example.com@evil.example/", "javascript:alert(1)",
        "evil.example", "tickets", "/a\nLocation: x", "/a b", "https://help.example.com:444/", "",
        "https://help.example.com//evil",
    ])
    func refusesEverythingElse(candidate: String) {
        #expect(ReturnPath.resolve(candidate, baseURL: base) == nil)
    }

    @Test func homeIsTheBaseURL() {
        #expect(ReturnPath.home(baseURL: base) == "https://help.example.com/desk/")
        #expect(ReturnPath.resolve(nil, baseURL: base) == nil)
    }
}
