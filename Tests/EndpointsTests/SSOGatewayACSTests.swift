import Credentials
import Endpoints
import Foundation
import GRDB
import HTTP
@_spi(Testing) import SAML
import Store
import TestSupport
import Testing

/// The Post-back URL end to end at handler level: sessions, redirects, log rows, status codes.
@Suite(.timeLimit(.minutes(1)))
struct SSOGatewayACSTests {
    @Test func idpInitiatedSignInCreatesASessionAndRedirectsToASafeRelayState() throws {
        let harness = try GatewayHarness()
        let response = harness.postACS(try ResponseBuilder.valid().encoded(), relayState: "/tickets/42")
        #expect(response.status == 303)
        #expect(response.header("Location") == "https://help.example.com/tickets/42")
        let setCookie = try #require(response.headers.first { $0.name == "Set-Cookie" }?.value)
        #expect(setCookie.hasPrefix("samlgate_acme="))
        for attribute in ["HttpOnly", "Path=/", "SameSite=Lax", "Secure", "Max-Age=28800"] {
            #expect(setCookie.contains(attribute), "\(attribute) missing in \(setCookie)")
        }
        let cookie = try #require(GatewayHarness.sessionCookie(response))
        #expect(cookie.count > 40)
        let auth = harness.get("/sso/acme/auth", cookie: cookie)
        #expect(auth.status == 204)
        #expect(auth.header("X-Samlgate-Email") == "Alice@Example.com")
        #expect(auth.header("X-Samlgate-Given-Name") == "Alice")
        #expect(auth.header("X-Samlgate-Family-Name") == "Liddell")
        #expect(auth.header("X-Samlgate-Role") == "user" && auth.header("X-Samlgate-Auth-Method") == "saml")
        #expect(auth.header("X-Samlgate-Account") == "acme")
        let log = try harness.log()
        #expect(log.count == 1 && log[0].outcome == .accepted && log[0].email == "Alice@Example.com")
        #expect(log[0].clockOffset == 0)
    }

    @Test(arguments: ["https://evil.example.com/", "//evil.example.com", "javascript:alert(1)", "/\\evil"])
    func unsafeRelayStateGoesHome(relayState: String) throws {
        let harness = try GatewayHarness()
        let response = harness.postACS(try ResponseBuilder.valid().encoded(), relayState: relayState)
        #expect(response.status == 303 && response.header("Location") == "https://help.example.com/")
    }

    @Test func spInitiatedSignInReturnsToTheStoredPathAndCannotBeReplayed() throws {
        let harness = try GatewayHarness()
        let login = harness.get("/sso/acme/login", query: "return_to=%2Ftickets%3Ftab%3Dmine")
        #expect(login.status == 302)
        let location = try #require(login.header("Location"))
        #expect(location.hasPrefix("https://idp.example.com/sso?SAMLRequest="))
        let items = try #require(URLComponents(string: location)?.queryItems)
        let relay = try #require(items.first { $0.name == "RelayState" }?.value)
        let encodedRequest = try #require(items.first { $0.name == "SAMLRequest" }?.value)
        let deflated = try #require(Data(base64Encoded: encodedRequest))
        let inflated = try #require(RawDeflate.decompress([UInt8](deflated)))
        let requestXML = String(decoding: inflated, as: UTF8.self)
        let requestID = try #require(requestXML.firstMatch(of: /ID="([^"]+)"/)?.1)
        #expect(requestXML.contains("AssertionConsumerServiceURL=\"https://help.example.com/sso/acme/acs\""))

        let encoded = try ResponseBuilder.valid(inResponseTo: String(requestID)).encoded()
        let response = harness.postACS(encoded, relayState: relay)
        #expect(response.status == 303)
        #expect(response.header("Location") == "https://help.example.com/tickets?tab=mine")

        let replay = harness.postACS(encoded, relayState: relay)
        #expect(replay.status == 403)
        #expect(GatewayHarness.text(replay).contains("SG-"))
        let log = try harness.log()
        #expect(log.first?.outcome == .rejected)
        #expect(log.first?.failedCheck == "in_response_to" || log.first?.failedCheck == "replay")
        #expect(try harness.sessions().count == 1)
    }

    @Test func replayOfAnIdPInitiatedAssertionIsRejected() throws {
        let harness = try GatewayHarness()
        let encoded = try ResponseBuilder.valid().encoded()
        #expect(harness.postACS(encoded).status == 303)
        let replay = harness.postACS(encoded)
        #expect(replay.status == 403)
        #expect(try harness.log().first?.failedCheck == "replay")
    }

    @Test func concurrentPostsOfOneAssertionMakeOneSession() async throws {
        let harness = try GatewayHarness()
        let encoded = try ResponseBuilder.valid().encoded()
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { harness.postACS(encoded).status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 303 }.count == 1)
        #expect(statuses.filter { $0 == 403 }.count == 7)
        #expect(try harness.sessions().count == 1)
    }

    @Test func unknownUserGetsA403PageWithReferenceAndALogRow() throws {
        let harness = try GatewayHarness()
        let response = harness.postACS(try ResponseBuilder.valid(email: "mallory@example.com").encoded())
        #expect(response.status == 403)
        let page = GatewayHarness.text(response)
        let reference = try #require(page.firstMatch(of: /SG-[A-Z0-9]{10}/).map { String($0.0) })
        #expect(page.contains("mallory@example.com"))
        #expect(!page.lowercased().contains("stack") && !page.contains("Fatal"))
        let row = try #require(try harness.log().first)
        #expect(row.reference == reference && row.failedCheck == "user" && row.email == "mallory@example.com")
        #expect(row.clientAddress == "192.0.2.7")
        #expect(try harness.sessions().isEmpty)
        #expect(response.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        #expect(response.header("X-Frame-Options") == "DENY" && response.header("Cache-Control") == "no-store")
    }

    @Test func disabledUserIsRefused() throws {
        let harness = try GatewayHarness()
        let response = harness.postACS(try ResponseBuilder.valid(email: "bob@example.com").encoded())
        #expect(response.status == 403)
        #expect(try harness.log().first?.failedCheck == "user")
    }

    @Test func rejectionLogRowNamesTheCheckWithExpectedAndActual() throws {
        let harness = try GatewayHarness()
        var builder = ResponseBuilder.valid()
        builder.audienceRestrictions = [["urn:foo"]]
        #expect(harness.postACS(try builder.encoded()).status == 403)
        let row = try #require(try harness.log().first)
        #expect(row.failedCheck == "audience")
        #expect(row.expected == "https://help.example.com/sso/acme/metadata" && row.actual == "urn:foo")
        #expect(row.email == "alice@example.com")
        #expect(row.clockOffset == 0)
    }

    @Test func malformedPostsAnswer400() throws {
        let harness = try GatewayHarness()
        #expect(harness.post("/sso/acme/acs", form: [("RelayState", "x")]).status == 400)
        #expect(harness.postACS("%%%not base64").status == 400)
        #expect(harness.postACS(Data("<not-xml".utf8).base64EncodedString()).status == 400)
        let twice = harness.post("/sso/acme/acs", form: [("SAMLResponse", "a"), ("SAMLResponse", "b")])
        #expect(twice.status == 400)
        #expect(try harness.log().count == 4)
    }

    @Test func oversizedBodyAnswers413AndIsLogged() throws {
        let harness = try GatewayHarness()
        let response = harness.gateway.handle(HTTPRequest(method: "POST", path: "/sso/acme/acs", bodyTooLarge: true))
        #expect(response.status == 413)
        #expect(try harness.log().first?.failedCheck == "size")
    }

    @Test func samlDisabledRefusesPostBacks() throws {
        let harness = try GatewayHarness { $0.enabled = false }
        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 403)
        #expect(try harness.log().first?.failedCheck == "disabled")
    }

    @Test func settingsChangedByAnotherWriterTakeEffectOnTheNextRequest() throws {
        let harness = try GatewayHarness()
        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 303)
        // Rollover to a certificate the IdP does not sign with: the next post is refused, no restart needed.
        try harness.changeSettings { $0.certificates = [try! Certificate(der: TestKeys.attackerDER)] }
        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 403)
        #expect(try harness.log().first?.failedCheck == "signature")
        try harness.changeSettings { $0.certificates.append(try! Certificate(der: TestKeys.idpRSADER)) }
        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 303)
        // Each post was first validated with the settings cached by the one before (a post-back reads
        // none itself) and answered again once its transaction saw the change: the stale attempts
        // left no log row and no session.
        #expect(try harness.log().map(\.outcome) == [.accepted, .rejected, .accepted])
        #expect(try harness.sessions().count == 2)
    }

    @Test func aPostBackValidatedWithSettingsSavedMeanwhileIsAnsweredFromTheNewOnes() throws {
        let harness = try GatewayHarness()
        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 303)
        // SAML disabled by another writer: the cached settings still say enabled, the post must not sign in.
        try harness.changeSettings { $0.enabled = false }
        let refused = harness.postACS(try ResponseBuilder.valid().encoded())
        #expect(refused.status == 403)
        #expect(try harness.log().first?.failedCheck == "disabled")
        #expect(try harness.sessions().count == 1)
    }

    /// A request prunes at most `pruneBatch` rows per table; what is left goes with the next writes,
    /// not ten minutes later.
    /// Counts rows through SQLite itself; the store's own pruning test runs on both backends.
    @Test(.enabled(if: TestDatabase.isSQLite)) func expiredRowsArePrunedInBoundedBatchesOverTheNextSignIns() throws {
        let harness = try GatewayHarness()
        let piled = 2 * SSOGateway.pruneBatch + 50
        try harness.store.write { tx in
            let user = try #require(try tx.user(accountID: harness.accountID, email: "alice@example.com"))
            for index in 0..<piled {
                try tx.createSession(
                    accountID: harness.accountID, userID: user.id, token: "expired-\(index)", authMethod: .saml,
                    createdAt: harness.now.addingTimeInterval(-7200), expiresAt: harness.now.addingTimeInterval(-60))
            }
        }
        func stored() throws -> Int {
            try DatabaseQueue(path: harness.store.path).read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM session") ?? -1
            }
        }
        for (round, left) in [piled - SSOGateway.pruneBatch, piled - 2 * SSOGateway.pruneBatch, 0].enumerated() {
            let response = harness.postACS(try ResponseBuilder.valid().encoded())
            #expect(response.status == 303)
            #expect(try stored() == left + round + 1, "after sign-in \(round + 1)")  // + the live sessions made
        }
    }

    @Test func namesFromTheIdPUpdateTheUser() throws {
        let harness = try GatewayHarness()
        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 303)
        let user = try harness.store.read { try $0.user(accountID: harness.accountID, email: "alice@example.com") }
        #expect(user?.givenName == "Alice" && user?.familyName == "Liddell")
    }

    @Test func sessionLifetimeFollowsSettingsAndSessionNotOnOrAfter() throws {
        let harness = try GatewayHarness { $0.sessionLifetime = 600 }
        var builder = ResponseBuilder.valid()
        builder.sessionNotOnOrAfter = builder.now.addingTimeInterval(120)
        let response = harness.postACS(try builder.encoded())
        #expect(response.headers.first { $0.name == "Set-Cookie" }?.value.contains("Max-Age=120") == true)
        #expect(try harness.sessions().first?.expiresAt == builder.now.addingTimeInterval(120))
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func lockedDatabaseAnswers503AfterTheBusyTimeout() throws {
        let harness = try GatewayHarness()
        let path = harness.folder.appendingPathComponent("test.db").path
        let blocker = try Store(path: path)
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? blocker.write { _ in
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        let response = harness.postACS(try ResponseBuilder.valid().encoded())
        release.signal()
        #expect(response.status == 503)
        #expect(response.header("Retry-After") != nil)
        #expect(try harness.sessions().isEmpty)
    }
}
