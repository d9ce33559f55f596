import Credentials
import Endpoints
import Foundation
import HTTP
@_spi(Testing) import SAML
import Store
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Single Logout through the gateway: SP-initiated (`POST …/logout` → signed LogoutRequest → the
/// IdP's LogoutResponse at `…/slo`), IdP-initiated (a LogoutRequest at `…/slo` → sessions ended →
/// signed LogoutResponse), the signed-out page, and the attacks — each asserting what was and was
/// not ended.
@Suite(.timeLimit(.minutes(1)))
struct SSOGatewaySingleLogoutTests {
    static let idpSLO = "https://idp.example.com/slo"

    static func harness(binding: SAMLSettings.RequestBinding = .redirect, responseURL: String? = nil) throws
        -> GatewayHarness
    {
        try GatewayHarness {
            $0.sloURL = idpSLO
            $0.sloResponseURL = responseURL
            $0.sloBinding = binding
            $0.appLogoutCookies = ["app_session", "remember_me"]
        }
    }

    /// Signs `email` in through the ACS with `sessionIndex`; returns the session cookie.
    static func signIn(_ harness: GatewayHarness, _ email: String = "alice@example.com", sessionIndex: String = "_s1")
        throws -> String
    {
        var builder = ResponseBuilder.valid(email: email)
        builder.sessionIndex = sessionIndex
        builder.nameIDAttributes = #" SPNameQualifier="https://help.example.com/sso/acme/metadata""#
        return try #require(GatewayHarness.sessionCookie(harness.postACS(try builder.encoded())))
    }

    static func logoutToken(_ harness: GatewayHarness, cookie: String) throws -> String {
        let page = GatewayHarness.text(harness.get("/sso/acme/logout", cookie: cookie))
        return String(try #require(page.firstMatch(of: /name="csrf_token" value="([^"]+)"/)?.1))
    }

    /// The query parameter `name` of `url`, percent-decoded.
    static func parameter(_ name: String, of url: String) -> String? {
        URLComponents(string: url)?.percentEncodedQueryItems?.first { $0.name == name }?.value.flatMap {
            URLEncoding.formValue($0)
        }
    }

    /// The XML a redirect URL carries in `parameter` (inflated).
    static func inflated(_ parameter: String, of url: String) throws -> String {
        let value = try #require(Self.parameter(parameter, of: url))
        let deflated = try #require(StrictBase64.decode(value))
        return String(decoding: try #require(RawDeflate.decompress(deflated)), as: UTF8.self)
    }

    /// The query octets a redirect's signature covers, and the signature.
    static func signedPart(of url: String) throws -> (octets: [UInt8], signature: [UInt8]) {
        let query = try #require(url.split(separator: "?", maxSplits: 1).last.map(String.init))
        let range = try #require(query.range(of: "&Signature="))
        let encoded = try #require(String(query[range.upperBound...]).removingPercentEncoding)
        let signature = try #require(Data(base64Encoded: encoded))
        return (Array(query[..<range.lowerBound].utf8), [UInt8](signature))
    }

    static func cleared(_ response: HTTPResponse, _ name: String) -> Bool {
        response.headers.contains {
            $0.name == "Set-Cookie" && $0.value.hasPrefix("\(name)=;") && $0.value.contains("Max-Age=0")
        }
    }

    // MARK: SP-initiated

    @Test func signingOutSendsASignedLogoutRequestAndTheIdPsAnswerLandsOnSignedOut() throws {
        let harness = try Self.harness()
        let cookie = try Self.signIn(harness)
        let logout = harness.post(
            "/sso/acme/logout", form: [("csrf_token", try Self.logoutToken(harness, cookie: cookie))], cookie: cookie)
        #expect(logout.status == 302)
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 401)
        for name in ["samlgate_acme", "app_session", "remember_me"] { #expect(Self.cleared(logout, name), "\(name)") }
        let location = try #require(logout.header("Location"))
        #expect(location.hasPrefix(Self.idpSLO + "?SAMLRequest="))
        let (octets, signature) = try Self.signedPart(of: location)
        #expect(try OpenSSLCommand.verify(octets, signature: signature, certificate: "sp-rsa-cert.pem"))
        let xml = try Self.inflated("SAMLRequest", of: location)
        #expect(xml.contains(#"Destination="\#(Self.idpSLO)""#))
        #expect(xml.contains("<saml:Issuer>https://help.example.com/sso/acme/metadata</saml:Issuer>"))
        #expect(
            xml.contains(
                #"<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" SPNameQualifier="https://help.example.com/sso/acme/metadata">alice@example.com</saml:NameID>"#
            ), "\(xml)")
        #expect(xml.contains("<samlp:SessionIndex>_s1</samlp:SessionIndex>"))
        let requestID = String(try #require(xml.firstMatch(of: /ID="([^"]+)"/)?.1))

        var answer = LogoutMessageBuilder(.response)
        answer.inResponseTo = requestID
        let back = harness.get("/sso/acme/slo", query: try answer.redirectQuery())
        #expect(back.status == 303 && back.header("Location") == "https://help.example.com/sso/acme/signed-out")
        let log = try harness.log().filter { $0.event == .signOut }
        #expect(log.count == 2 && log.allSatisfy { $0.outcome == .accepted })
        #expect(log[0].reason.contains("confirmed"))
        #expect(log[1].reason.contains("LogoutRequest \(requestID) sent"))
        // Answered once: the same LogoutResponse again is refused, logged, and still lands on signed-out.
        let again = harness.get("/sso/acme/slo", query: try answer.redirectQuery())
        #expect(again.status == 303 && again.header("Location")?.hasSuffix("/signed-out") == true)
        #expect(try harness.log().first?.failedCheck == "in_response_to")
    }

    /// Browsers apply `form-action` to a form's redirects: the sign-out forms (the sign-out page and the
    /// settings page's) may end up at the IdP's origin, and only there.
    @Test func theSignOutFormsMayRedirectToTheIdPsOriginOnly() throws {
        let harness = try Self.harness()
        let cookie = try Self.signIn(harness)
        let policy = try #require(harness.get("/sso/acme/logout", cookie: cookie).header("Content-Security-Policy"))
        #expect(policy.contains("form-action 'self' https://idp.example.com;"), "\(policy)")
        let local = try GatewayHarness()
        let plain = try #require(local.get("/sso/acme/logout").header("Content-Security-Policy"))
        #expect(plain.contains("form-action 'self';"), "\(plain)")
    }

    @Test func withHTTPPOSTTheLogoutRequestIsAnEnvelopedSignatureOnAnAutoPostingPage() throws {
        let harness = try Self.harness(binding: .post)
        let cookie = try Self.signIn(harness)
        let logout = harness.post(
            "/sso/acme/logout", form: [("csrf_token", try Self.logoutToken(harness, cookie: cookie))], cookie: cookie)
        #expect(logout.status == 200 && Self.cleared(logout, "samlgate_acme"))
        let html = GatewayHarness.text(logout)
        #expect(html.contains(#"action="\#(Self.idpSLO)""#))
        #expect(logout.header("Content-Security-Policy")?.contains("form-action https://idp.example.com") == true)
        let value = String(try #require(html.firstMatch(of: /name="SAMLRequest" value="([^"]+)"/)?.1))
        let document = try LibXMLDocument(parsing: try #require(StrictBase64.decode(value)))
        let verifier = SignatureVerifier(keys: try TrustedKeys(certificatesDER: [TestKeys.spDER]))
        #expect(verifier.verifyEnvelopedSignature(on: document.rootElement).verified != nil)
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 401)
    }

    /// Without an IdP Single Logout URL (or for a password session) only samlgate's session ends.
    @Test func withoutAnSLOURLSigningOutIsLocalAndLandsOnSignedOut() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signIn(harness)
        let logout = harness.post(
            "/sso/acme/logout", form: [("csrf_token", try Self.logoutToken(harness, cookie: cookie))], cookie: cookie)
        #expect(logout.status == 303 && logout.header("Location") == "https://help.example.com/sso/acme/signed-out")
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 401)
        #expect(try harness.log().first?.reason.contains("Single Logout URL is not configured") == true)
    }

    /// An unsigned, badly signed or failed LogoutResponse still ends on the signed-out page (our
    /// session is gone already), with a log row saying what the IdP answered.
    @Test func aBadOrFailedLogoutResponseStillLandsOnSignedOutAndIsLogged() throws {
        let harness = try Self.harness()
        let cookie = try Self.signIn(harness)
        let location = try #require(
            harness.post(
                "/sso/acme/logout", form: [("csrf_token", try Self.logoutToken(harness, cookie: cookie))],
                cookie: cookie
            ).header("Location"))
        let sent = try Self.inflated("SAMLRequest", of: location)
        let requestID = String(try #require(sent.firstMatch(of: /ID="([^"]+)"/)?.1))
        var unsigned = LogoutMessageBuilder(.response)
        unsigned.inResponseTo = requestID
        unsigned.queryKey = nil
        let refused = harness.get("/sso/acme/slo", query: try unsigned.redirectQuery())
        #expect(refused.status == 303 && refused.header("Location")?.hasSuffix("/signed-out") == true)
        #expect(try harness.log().first?.failedCheck == "signature")
        var failed = LogoutMessageBuilder(.response)
        failed.inResponseTo = requestID
        failed.statusXML =
            #"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/></samlp:Status>"#
        let answered = harness.post("/sso/acme/slo", form: [("SAMLResponse", try failed.postValue())])
        #expect(answered.status == 303 && answered.header("Location")?.hasSuffix("/signed-out") == true)
        let row = try #require(try harness.log().first)
        #expect(row.outcome == .rejected && row.failedCheck == "status" && row.reason.contains("Responder"))
    }

    // MARK: IdP-initiated

    @Test func anIdPLogoutRequestEndsThatSessionIndexOnlyAndIsAnsweredSigned() throws {
        let harness = try Self.harness()
        let first = try Self.signIn(harness, sessionIndex: "_s1")
        let second = try Self.signIn(harness, sessionIndex: "_s2")
        let carol = try Self.signIn(harness, "carol@example.com", sessionIndex: "_s1")
        var request = LogoutMessageBuilder()
        request.sessionIndexes = ["_s1"]
        request.relayState = "idp-state"
        let answer = harness.get("/sso/acme/slo", query: try request.redirectQuery())
        #expect(answer.status == 302, "\(GatewayHarness.text(answer))")
        #expect(harness.get("/sso/acme/auth", cookie: first).status == 401)
        #expect(harness.get("/sso/acme/auth", cookie: second).status == 204)
        #expect(harness.get("/sso/acme/auth", cookie: carol).status == 204)
        let location = try #require(answer.header("Location"))
        #expect(location.hasPrefix(Self.idpSLO + "?SAMLResponse="))
        #expect(Self.parameter("RelayState", of: location) == "idp-state")
        let (octets, signature) = try Self.signedPart(of: location)
        #expect(try OpenSSLCommand.verify(octets, signature: signature, certificate: "sp-rsa-cert.pem"))
        let xml = try Self.inflated("SAMLResponse", of: location)
        #expect(xml.contains(#"InResponseTo="\#(request.id)""#) && xml.contains(#"Destination="\#(Self.idpSLO)""#))
        #expect(xml.contains("urn:oasis:names:tc:SAML:2.0:status:Success"))
        #expect(try harness.log().first?.reason.contains("ended 1 session(s)") == true)

        var all = LogoutMessageBuilder()
        all.sessionIndexes = []
        #expect(harness.get("/sso/acme/slo", query: try all.redirectQuery()).status == 302)
        #expect(harness.get("/sso/acme/auth", cookie: second).status == 401)
        #expect(harness.get("/sso/acme/auth", cookie: carol).status == 204)
    }

    @Test func aPOSTedLogoutRequestIsAnsweredByPOSTToTheResponseLocation() throws {
        let harness = try Self.harness(responseURL: "https://idp.example.com/slo-response")
        let cookie = try Self.signIn(harness)
        let answer = harness.post("/sso/acme/slo", form: [("SAMLRequest", try LogoutMessageBuilder().postValue())])
        #expect(answer.status == 200)
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 401)
        #expect(Self.cleared(answer, "samlgate_acme") && Self.cleared(answer, "app_session"))
        let html = GatewayHarness.text(answer)
        #expect(html.contains(#"action="https://idp.example.com/slo-response""#))
        let value = String(try #require(html.firstMatch(of: /name="SAMLResponse" value="([^"]+)"/)?.1))
        let document = try LibXMLDocument(parsing: try #require(StrictBase64.decode(value)))
        let verifier = SignatureVerifier(keys: try TrustedKeys(certificatesDER: [TestKeys.spDER]))
        #expect(verifier.verifyEnvelopedSignature(on: document.rootElement).verified != nil)
    }

    // MARK: Attacks: nothing ends

    @Test func anUnsignedForgedOrReplayedLogoutRequestEndsNothing() throws {
        let harness = try Self.harness()
        let cookie = try Self.signIn(harness)
        var unsigned = LogoutMessageBuilder()
        unsigned.queryKey = nil
        unsigned.key = nil
        var forged = LogoutMessageBuilder()
        forged.queryKey = "attacker-key.pem"
        forged.key = TestKeys.attacker
        var expired = LogoutMessageBuilder()
        expired.notOnOrAfter = expired.now.addingTimeInterval(-600)
        var misdirected = LogoutMessageBuilder()
        misdirected.destination = "https://help.example.com/sso/other/slo"
        for (name, response) in [
            ("unsigned", harness.get("/sso/acme/slo", query: try unsigned.redirectQuery())),
            ("unsigned POST", harness.post("/sso/acme/slo", form: [("SAMLRequest", try unsigned.postValue())])),
            ("forged", harness.get("/sso/acme/slo", query: try forged.redirectQuery())),
            ("forged POST", harness.post("/sso/acme/slo", form: [("SAMLRequest", try forged.postValue())])),
            ("expired", harness.get("/sso/acme/slo", query: try expired.redirectQuery())),
            ("misdirected", harness.get("/sso/acme/slo", query: try misdirected.redirectQuery())),
        ] {
            #expect(response.status == 403, "\(name)")
            #expect(!response.headers.contains { $0.name == "Set-Cookie" || $0.name == "Location" }, "\(name)")
            #expect(GatewayHarness.text(response).contains("Nothing was changed"), "\(name)")
            #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 204, "\(name)")
        }
        #expect(try harness.log().prefix(6).allSatisfy { $0.event == .signOut && $0.outcome == .rejected })

        let replayed = try LogoutMessageBuilder().redirectQuery()
        #expect(harness.get("/sso/acme/slo", query: replayed).status == 302)
        let again = try Self.signIn(harness)
        #expect(harness.get("/sso/acme/slo", query: replayed).status == 403)
        #expect(harness.get("/sso/acme/auth", cookie: again).status == 204)
        #expect(try harness.log().first?.failedCheck == "replay")
    }

    /// A LogoutRequest signed by this account's IdP names users of this account only: another
    /// account's session of the same NameID is untouched.
    @Test func aLogoutRequestEndsSessionsOfItsOwnAccountOnly() throws {
        let harness = try Self.harness()
        let other = try harness.store.write { tx -> Int64 in
            let account = try tx.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com")
            let user = try tx.addUser(accountID: account.id, email: "alice@example.com", role: .owner)
            try tx.createSession(
                accountID: account.id, userID: user.id, token: "beta-token", authMethod: .saml, createdAt: harness.now,
                expiresAt: harness.now.addingTimeInterval(3600),
                subject: SAMLSubject(
                    nameID: "alice@example.com", format: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                    sessionIndex: "_s1"))
            return account.id
        }
        let cookie = try Self.signIn(harness)
        #expect(harness.get("/sso/acme/slo", query: try LogoutMessageBuilder().redirectQuery()).status == 302)
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 401)
        #expect(
            try harness.store.read { try $0.session(accountID: other, token: "beta-token", now: harness.now) } != nil)
    }

    @Test func aLogoutResponseToNoRequestOfOursEndsNothing() throws {
        let harness = try Self.harness()
        let cookie = try Self.signIn(harness)
        var foreign = LogoutMessageBuilder(.response)
        foreign.inResponseTo = "_not-ours"
        let answer = harness.get("/sso/acme/slo", query: try foreign.redirectQuery(), cookie: cookie)
        #expect(answer.status == 303 && answer.header("Location")?.hasSuffix("/signed-out") == true)
        #expect(!answer.headers.contains { $0.name == "Set-Cookie" })
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 204)
        #expect(try harness.log().first?.failedCheck == "in_response_to")
    }

    /// Logout never redirects to a place a request names: RelayState is only echoed to the
    /// configured IdP, and every sign-out lands on our own signed-out page.
    @Test func noLogoutPathRedirectsOffOrigin() throws {
        let harness = try Self.harness()
        let evil = "https://evil.example.com/"
        var request = LogoutMessageBuilder()
        request.relayState = evil
        let answer = harness.get("/sso/acme/slo", query: try request.redirectQuery())
        #expect(answer.header("Location")?.hasPrefix(Self.idpSLO + "?") == true)
        var response = LogoutMessageBuilder(.response)
        response.inResponseTo = "_x"
        response.relayState = evil
        #expect(
            harness.get("/sso/acme/slo", query: try response.redirectQuery()).header("Location")?.hasPrefix(evil)
                == false)
        let cookie = try Self.signIn(harness)
        let local = try GatewayHarness()
        let localCookie = try Self.signIn(local)
        let logout = local.post(
            "/sso/acme/logout",
            form: [
                ("csrf_token", try Self.logoutToken(local, cookie: localCookie)), ("return_to", evil),
                ("RelayState", evil),
            ],
            cookie: localCookie)
        #expect(logout.header("Location") == "https://help.example.com/sso/acme/signed-out")
        _ = cookie
    }

    /// The Redirect binding's inflate is bounded; malformed messages are a 400, ending nothing.
    @Test func aDeflateBombIsA400AndEndsNothing() throws {
        let harness = try Self.harness()
        let cookie = try Self.signIn(harness)
        let builder = LogoutMessageBuilder()
        let bomb = try builder.redirectQuery(
            deflating: Array(builder.xml.utf8) + Array(repeating: 0x20, count: 1 << 20))
        #expect(harness.get("/sso/acme/slo", query: bomb).status == 400)
        #expect(harness.get("/sso/acme/slo").status == 400)
        let oversized = harness.gateway.handle(
            HTTPRequest(method: "POST", path: "/sso/acme/slo", headers: ["cookie": cookie], bodyTooLarge: true))
        #expect(oversized.status == 413)
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 204)
    }

    /// Without the IdP's Single Logout URL an IdP-initiated logout still ends the sessions, and the
    /// browser is shown the signed-out page (there is nowhere to send a LogoutResponse).
    @Test func withoutAnSLOURLAnIdPLogoutRequestEndsTheSessionsAndShowsSignedOut() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signIn(harness)
        let answer = harness.get("/sso/acme/slo", query: try LogoutMessageBuilder().redirectQuery())
        #expect(answer.status == 200 && GatewayHarness.text(answer).contains("You are signed out"))
        #expect(Self.cleared(answer, "samlgate_acme"))
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 401)
    }

    // MARK: The signed-out page and metadata

    /// It says so and offers "Sign in again"; it never sends the browser anywhere by itself, even with
    /// Force SAML on (which would sign the user straight back in).
    @Test func theSignedOutPageNeverRedirects() throws {
        let harness = try GatewayHarness { $0.forceSAML = true }
        let page = harness.get("/sso/acme/signed-out")
        #expect(page.status == 200 && page.header("Location") == nil)
        let html = GatewayHarness.text(page)
        #expect(
            html.contains("You are signed out") && html.contains(#"href="https://help.example.com/sso/acme/login""#))
        #expect(html.contains("Sign in again") && !html.contains("http-equiv") && !html.contains("<script"))
    }

    @Test func theMetadataListsSingleLogoutServiceForBothBindings() throws {
        let xml = GatewayHarness.text(try GatewayHarness().get("/sso/acme/metadata"))
        for binding in ["HTTP-Redirect", "HTTP-POST"] {
            #expect(
                xml.contains(
                    #"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:\#(binding)" Location="https://help.example.com/sso/acme/slo"/>"#
                ))
        }
    }
}
