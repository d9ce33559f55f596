import Endpoints
import Foundation
import HTTP
import SAML
import Store
import TestSupport
import Testing

/// `…/auth`, the session check nginx asks for every protected request: any method, no body, and a
/// sign-in URL on a 401 that no byte of the request can break out of.
@Suite(.timeLimit(.minutes(1)))
struct SSOGatewayAuthTests {
    static let loginURL = "https://help.example.com/sso/acme/login"

    static func check(
        _ harness: GatewayHarness, method: String = "GET", originalURI: String? = nil, cookie: String? = nil
    ) -> HTTPResponse {
        harness.gateway.handle(
            HTTPRequest(
                method: method, path: "/sso/acme/auth", headers: cookie.map { ["cookie": $0] } ?? [:],
                parameters: originalURI.map { ["SAMLGATE_ORIGINAL_URI": $0] } ?? [:]))
    }

    @Test(arguments: ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
    func answersEveryMethod(method: String) throws {
        let harness = try GatewayHarness()
        #expect(Self.check(harness, method: method).status == 401)
        let cookie = try #require(GatewayHarness.sessionCookie(harness.postACS(try ResponseBuilder.valid().encoded())))
        let signedIn = Self.check(harness, method: method, cookie: cookie)
        #expect(signedIn.status == 204)
        #expect(signedIn.header("X-Samlgate-Email") == "Alice@Example.com")
        #expect(signedIn.header("X-Samlgate-Subject") == "alice@example.com")  // the NameID as sent
        #expect(signedIn.header("X-Samlgate-Groups") == nil)
        #expect(signedIn.header("X-Samlgate-Sign-In") == nil)
    }

    @Test func neverReadsABody() throws {
        let harness = try GatewayHarness()
        #expect(!harness.gateway.readsBody(path: "/sso/acme/auth"))
        #expect(!harness.gateway.readsBody(path: "/helpdesk/sso/acme/auth"))
        for path in ["/sso/acme/acs", "/sso/acme/login", "/sso/acme/settings", "/app/auth", "/"] {
            #expect(harness.gateway.readsBody(path: path))
        }
        // What nginx sends for the check of a POST: its CONTENT_LENGTH, none of its bytes.
        let response = harness.gateway.handle(
            HTTPRequest(method: "POST", path: "/sso/acme/auth", headers: ["content-length": "3"]))
        #expect(response.status == 401)
    }

    static let originalURIs = [
        "/app/tickets?id=42&view=full",
        "/app/%0d%0aSet-Cookie:%20samlgate_acme=ATTACKER;%20Path=/%0d%0aX-Injected:%201",
        "/app/%00/%zz?q=%E2%9C%93&a=b+c#frag",
        "/app/caf\u{E9}?q=\u{1F600}",
        "/app/?next=https://evil.example.com/&x=%26%3D",
    ]

    @Test(arguments: originalURIs)
    func signInURLKeepsTheOriginalURIAndRoundTrips(originalURI: String) throws {
        let harness = try GatewayHarness()
        let response = Self.check(harness, originalURI: originalURI)
        #expect(response.status == 401)
        let signIn = try #require(response.header("X-Samlgate-Sign-In"))
        #expect(signIn.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F })
        #expect(signIn.hasPrefix(Self.loginURL + "?return_to="))
        let query = String(signIn.dropFirst(Self.loginURL.count + 1))
        #expect(!query.dropFirst("return_to=".count).contains("&"))

        // …/login decodes it once and remembers exactly the path and query the client asked for.
        let login = harness.get("/sso/acme/login", query: query)
        #expect(login.status == 302)
        let location = try #require(login.header("Location"))
        let relay = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "RelayState" }?.value)
        let pending = try harness.store.read {
            try $0.pendingRequest(accountID: harness.accountID, relayToken: relay, now: harness.now)
        }
        #expect(pending?.returnTo == "https://help.example.com" + originalURI)
    }

    @Test(arguments: ["/app/\r\nX-Injected: 1", "/app/a b", "/app/\u{0}\u{7F}\t", "\r\n\r\n"])
    func controlCharactersNeverReachAHeader(originalURI: String) throws {
        let harness = try GatewayHarness()
        let response = Self.check(harness, originalURI: originalURI)
        let signIn = try #require(response.header("X-Samlgate-Sign-In"))
        #expect(signIn.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F })
        #expect(response.headers.allSatisfy { !$0.value.contains("\r") && !$0.value.contains("\n") })
        #expect(response.headers.map(\.name) == ["X-Samlgate-Sign-In", "Cache-Control"])
    }

    @Test func withoutAnOriginalURIThereIsNoReturnPath() throws {
        let harness = try GatewayHarness()
        #expect(Self.check(harness).header("X-Samlgate-Sign-In") == Self.loginURL)
        #expect(Self.check(harness, originalURI: "").header("X-Samlgate-Sign-In") == Self.loginURL)
        // Longer than a return path may be: signing in still works, and lands on the base URL.
        let long = "/app/" + String(repeating: "a", count: ReturnPath.maximumLength)
        #expect(Self.check(harness, originalURI: long).header("X-Samlgate-Sign-In") == Self.loginURL)
        let longest = "/" + String(repeating: "b", count: ReturnPath.maximumLength - 1)
        let kept = Self.check(harness, originalURI: longest).header("X-Samlgate-Sign-In")
        #expect(kept == Self.loginURL + "?return_to=%2F" + longest.dropFirst())
    }

    @Test func authorizerDenialCarriesTheEncodedReturnPathForApache() throws {
        let harness = try GatewayHarness()
        let denied = harness.gateway.handle(
            HTTPRequest(role: .authorizer, method: "POST", path: "/app/%0d%0aX-Injected:%201", query: "id=4&x=y"))
        #expect(denied.status == 302)
        let returnTo = try #require(denied.header("X-Samlgate-Return-To"))
        #expect(returnTo == "%2Fapp%2F%250d%250aX-Injected%3A%25201%3Fid%3D4%26x%3Dy")
        #expect(denied.header("Location") == Self.loginURL + "?return_to=" + returnTo)
    }
}
