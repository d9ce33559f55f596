@testable import Endpoints
import Foundation
import HTTP
import SAML
import Store
import TestSupport
import Testing

/// Routing, methods, metadata, SP-initiated redirect, auth and the Authorizer role.
@Suite(.timeLimit(.minutes(1)))
struct SSOGatewayRoutingTests {
    @Test func metadataIsServedAtTheAudienceURIUnderAnyPrefix() throws {
        let harness = try GatewayHarness()
        for path in ["/sso/acme/metadata", "/helpdesk/sso/acme/metadata"] {
            let response = harness.get(path)
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("application/samlmetadata+xml") == true)
            #expect(GatewayHarness.text(response).contains("entityID=\"https://help.example.com/sso/acme/metadata\""))
        }
    }

    @Test func urlsNeverComeFromRequestHeaders() throws {
        let harness = try GatewayHarness()
        let response = harness.gateway.handle(
            HTTPRequest(
                method: "GET", path: "/sso/acme/metadata",
                headers: ["host": "evil.example.com", "x-forwarded-proto": "http"],
                parameters: ["HTTP_HOST": "evil.example.com", "SERVER_NAME": "evil.example.com", "HTTPS": ""]))
        #expect(!GatewayHarness.text(response).contains("evil"))
    }

    @Test(arguments: [
        "/sso/nope/metadata", "/sso/acme/unknown", "/", "/sso/acme", "/sso//metadata", "/other/acme/metadata",
    ])
    func unknownPathsAre404(path: String) throws {
        let harness = try GatewayHarness()
        #expect(harness.get(path).status == 404)
    }

    @Test(arguments: [
        ("GET", "/sso/acme/acs", "POST"), ("POST", "/sso/acme/metadata", "GET, HEAD"),
        ("PUT", "/sso/acme/login", "GET, HEAD, POST"), ("PUT", "/sso/acme/logout", "GET, HEAD, POST"),
    ])
    func wrongMethodsAre405WithAllow(method: String, path: String, allow: String) throws {
        let harness = try GatewayHarness()
        let response = harness.gateway.handle(HTTPRequest(method: method, path: path))
        #expect(response.status == 405)
        #expect(response.header("Allow") == allow)
    }

    @Test func loginRedirectsToTheIdPAndRemembersTheRequest() throws {
        let harness = try GatewayHarness()
        let response = harness.get("/sso/acme/login", query: "return_to=https%3A%2F%2Fevil.example.com%2F")
        #expect(response.status == 302)
        let location = try #require(response.header("Location"))
        let relay = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "RelayState" }?.value)
        let pending = try harness.store.read {
            try $0.pendingRequest(accountID: harness.accountID, relayToken: relay, now: harness.now)
        }
        #expect(pending != nil)
        #expect(pending?.returnTo == nil)  // the unsafe return_to was dropped
        #expect(relay.count >= 43)
    }

    @Test func loginShowsThePasswordPageWhenSAMLIsOffOrAsked() throws {
        let harness = try GatewayHarness { $0.enabled = false }
        let page = harness.get("/sso/acme/login")
        #expect(page.status == 200)
        let html = GatewayHarness.text(page)
        #expect(html.contains("name=\"password\"") && html.contains("name=\"csrf_token\""))
        #expect(!html.contains("Sign in with SSO"))
        let enabled = try GatewayHarness()
        let both = GatewayHarness.text(enabled.get("/sso/acme/login", query: "password=1"))
        #expect(both.contains("Sign in with SSO") && both.contains("name=\"password\""))
    }

    @Test func authWithoutOrWithABadCookieIs401() throws {
        let harness = try GatewayHarness()
        #expect(harness.get("/sso/acme/auth").status == 401)
        #expect(harness.get("/sso/acme/auth", cookie: "samlgate_acme=forged").status == 401)
        #expect(harness.get("/sso/acme/auth", cookie: "other=1").status == 401)
    }

    @Test func logoutEndsTheSessionWithTheTokenFromTheSignOutPage() throws {
        let harness = try GatewayHarness()
        let cookie = try #require(GatewayHarness.sessionCookie(harness.postACS(try ResponseBuilder.valid().encoded())))
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 204)
        let page = harness.get("/sso/acme/logout", cookie: cookie)
        #expect(page.status == 200 && GatewayHarness.text(page).contains("Alice@Example.com"))
        let token = try #require(GatewayHarness.text(page).firstMatch(of: /name="csrf_token" value="([^"]+)"/)?.1)
        let logout = harness.post("/sso/acme/logout", form: [("csrf_token", String(token))], cookie: cookie)
        #expect(logout.status == 303)
        #expect(
            logout.headers.contains {
                $0.name == "Set-Cookie" && $0.value.hasPrefix("samlgate_acme=;") && $0.value.contains("Max-Age=0")
            })
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 401)
    }

    /// A cross-site form cannot sign a user out: without the session's own token the session stays.
    @Test(arguments: [nil, "", "forged"])
    func logoutWithoutTheSessionsTokenIsRefused(token: String?) throws {
        let harness = try GatewayHarness()
        let cookie = try #require(GatewayHarness.sessionCookie(harness.postACS(try ResponseBuilder.valid().encoded())))
        let settingsToken = SessionCSRF.token(
            forSession: String(cookie.dropFirst("samlgate_acme=".count)), purpose: .settings)
        for posted in [token, settingsToken] {
            let logout = harness.post(
                "/sso/acme/logout", form: posted.map { [("csrf_token", $0)] } ?? [], cookie: cookie)
            #expect(logout.status == 403)
            #expect(!logout.headers.contains { $0.name == "Set-Cookie" })
        }
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 204)
    }

    @Test func logoutWithoutALiveSessionJustClearsTheCookie() throws {
        let harness = try GatewayHarness()
        let logout = harness.post("/sso/acme/logout", form: [], cookie: "samlgate_acme=expired-or-forged")
        #expect(logout.status == 303)
        let page = harness.get("/sso/acme/logout")
        #expect(page.status == 200 && GatewayHarness.text(page).contains("You are not signed in"))
    }

    @Test func authorizerLetsASignedInUserThroughWithVariables() throws {
        let harness = try GatewayHarness()
        let cookie = try #require(GatewayHarness.sessionCookie(harness.postACS(try ResponseBuilder.valid().encoded())))
        let allowed = harness.gateway.handle(
            HTTPRequest(role: .authorizer, method: "GET", path: "/app/tickets", headers: ["cookie": cookie]))
        #expect(allowed.status == 200)
        #expect(allowed.header("Variable-SAMLGATE_EMAIL") == "Alice@Example.com")
        #expect(allowed.header("Variable-SAMLGATE_AUTH_METHOD") == "saml")
        #expect(allowed.header("Variable-SAMLGATE_SUBJECT") == "alice@example.com")
        let named = harness.gateway.handle(
            HTTPRequest(
                role: .authorizer, method: "GET", path: "/app", headers: ["cookie": cookie],
                parameters: ["SAMLGATE_ACCOUNT": "acme"]))
        #expect(named.status == 200)
    }

    @Test func authorizerSendsAnonymousUsersToSignIn() throws {
        let harness = try GatewayHarness()
        let denied = harness.gateway.handle(
            HTTPRequest(role: .authorizer, method: "GET", path: "/app/tickets", query: "id=4"))
        #expect(denied.status == 302)
        #expect(
            denied.header("Location") == "https://help.example.com/sso/acme/login?return_to=%2Fapp%2Ftickets%3Fid%3D4")
        let unknown = harness.gateway.handle(
            HTTPRequest(role: .authorizer, method: "GET", path: "/app", parameters: ["SAMLGATE_ACCOUNT": "nope"]))
        #expect(unknown.status == 403)
    }

    @Test func identityHeadersCannotBeSplitByIdPNames() throws {
        let harness = try GatewayHarness()
        var builder = ResponseBuilder.valid()
        builder.attributes = [("email", ["alice@example.com"]), ("given_name", ["Al&#13;&#10;X-Injected: 1"])]
        let cookie = try #require(GatewayHarness.sessionCookie(harness.postACS(try builder.encoded())))
        let auth = harness.get("/sso/acme/auth", cookie: cookie)
        #expect(auth.headers.allSatisfy { !$0.value.contains("\n") && !$0.value.contains("\r") })
    }
}
