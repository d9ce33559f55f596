import Endpoints
import Foundation
import HTTP
import SAML
import Store
import TestSupport
import Testing

/// Password sign-in: CSRF, generic failures, rate limit, and Force SAML (the owner keeps a password).
@Suite(.timeLimit(.minutes(1)))
struct SSOGatewayPasswordTests {
    /// Loads the sign-in page and returns its CSRF cookie and token.
    static func csrf(_ harness: GatewayHarness) throws -> (cookie: String, token: String) {
        let page = harness.get("/sso/acme/login", query: "password=1")
        let setCookie = try #require(
            page.headers.first { $0.name == "Set-Cookie" && $0.value.hasPrefix("samlgate_csrf_acme=") }?.value)
        let cookie = String(setCookie.split(separator: ";")[0])
        let token = try #require(GatewayHarness.text(page).firstMatch(of: /name="csrf_token" value="([^"]+)"/)?.1)
        return (cookie, String(token))
    }

    static func signIn(
        _ harness: GatewayHarness, email: String, password: String, returnTo: String = "", client: String = "192.0.2.7"
    ) throws -> HTTPResponse {
        let (cookie, token) = try csrf(harness)
        return harness.post(
            "/sso/acme/login",
            form: [("csrf_token", token), ("email", email), ("password", password), ("return_to", returnTo)],
            cookie: cookie, client: client)
    }

    @Test func ownerSignsInWithAPassword() throws {
        let harness = try GatewayHarness()
        let response = try Self.signIn(
            harness, email: "OWNER@example.com", password: GatewayHarness.ownerPassword, returnTo: "/admin")
        #expect(response.status == 303)
        #expect(response.header("Location") == "https://help.example.com/admin")
        let cookie = try #require(GatewayHarness.sessionCookie(response))
        let auth = harness.get("/sso/acme/auth", cookie: cookie)
        #expect(auth.header("X-Samlgate-Auth-Method") == "password" && auth.header("X-Samlgate-Role") == "owner")
        #expect(auth.header("X-Samlgate-Subject") == nil)  // no NameID for a password session
        #expect(try harness.log().first?.method == .password)
    }

    @Test func missingOrWrongCSRFTokenIsRefusedAndNothingHappens() throws {
        let harness = try GatewayHarness()
        let (cookie, _) = try Self.csrf(harness)
        let form = [("email", "owner@example.com"), ("password", GatewayHarness.ownerPassword)]
        #expect(harness.post("/sso/acme/login", form: form, cookie: cookie).status == 403)
        #expect(harness.post("/sso/acme/login", form: form + [("csrf_token", "wrong")], cookie: cookie).status == 403)
        #expect(harness.post("/sso/acme/login", form: form + [("csrf_token", "x")]).status == 403)
        #expect(try harness.sessions().isEmpty)
    }

    @Test(arguments: [
        ("owner@example.com", "wrong password"), ("ghost@example.com", "whatever1"), ("bob@example.com", "whatever1"),
        ("alice@example.com", "no password set"),
    ])
    func failuresAreGeneric(email: String, password: String) throws {
        let harness = try GatewayHarness()
        let response = try Self.signIn(harness, email: email, password: password)
        #expect(response.status == 401)
        #expect(GatewayHarness.text(response).contains("The email or password is not right."))
        #expect(try harness.log().first?.failedCheck == "password")
    }

    @Test func forceSAMLRefusesNonOwnersButNotTheOwner() throws {
        let harness = try GatewayHarness { $0.forceSAML = true }
        let carol = try Self.signIn(harness, email: "carol@example.com", password: GatewayHarness.carolPassword)
        #expect(carol.status == 403)
        #expect(GatewayHarness.text(carol).contains("requires single sign-on"))
        #expect(try harness.log().first?.failedCheck == "force_saml")
        let owner = try Self.signIn(harness, email: "owner@example.com", password: GatewayHarness.ownerPassword)
        #expect(owner.status == 303)
        // Without Force SAML, the admin may use a password too.
        try harness.changeSettings { $0.forceSAML = false }
        #expect(
            try Self.signIn(harness, email: "carol@example.com", password: GatewayHarness.carolPassword).status == 303)
    }

    @Test func repeatedFailuresAreRateLimited() throws {
        let harness = try GatewayHarness()
        for _ in 0..<5 {
            #expect(try Self.signIn(harness, email: "owner@example.com", password: "bad guess").status == 401)
        }
        let limited = try Self.signIn(harness, email: "owner@example.com", password: GatewayHarness.ownerPassword)
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") != nil)
        // Another email is not affected.
        #expect(
            try Self.signIn(harness, email: "carol@example.com", password: GatewayHarness.carolPassword).status == 303)
    }
}
