@testable import Endpoints
import Foundation
import HTTP
import SAML
import Store
import Synchronization
import TestSupport
import Testing

/// Floods and hostile messages: what an anonymous sender can make samlgate keep, and what a password
/// flood can take from everyone else.
@Suite(.timeLimit(.minutes(2)))
struct SSOGatewayHardeningTests {
    /// Unsigned responses whose Destination, StatusMessage or NameID is 150,000 characters: each is
    /// logged (rule 12) with every field cut to 512 characters, and the settings page stays small.
    @Test func hostilePostsKeepTheLogAndThePageSmall() throws {
        let harness = try GatewayHarness()
        let huge = String(repeating: "A", count: 150_000)
        for index in 0..<100 {
            var builder = ResponseBuilder.valid()
            builder.signing = .none
            switch index % 3 {
            case 0: builder.destination = huge
            case 1:
                builder.statusXML = """
                    <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/>\
                    <samlp:StatusMessage>\(huge)</samlp:StatusMessage></samlp:Status>
                    """
            default:
                builder.attributes = []
                builder.nameIDContent = huge
            }
            let response = harness.postACS(try builder.encoded())
            #expect(response.status == 403 && response.body.count < 8_000)
        }
        let rows = try harness.store.read { try $0.log(accountID: harness.accountID, limit: 1_000) }
        #expect(rows.count == 100)
        let stored = rows.reduce(0) { total, row in
            total + [row.email, row.reason, row.expected, row.actual].reduce(0) { $0 + ($1?.utf8.count ?? 0) }
        }
        #expect(stored < 100 * 4 * SignInLogEntry.fieldLimit, "\(stored) bytes kept from 100 posts")
        let owner = try SSOGatewayPasswordTests.signIn(
            harness, email: "owner@example.com", password: GatewayHarness.ownerPassword)
        let cookie = try #require(GatewayHarness.sessionCookie(owner))
        let page = harness.get("/sso/acme/settings", cookie: cookie)
        #expect(page.status == 200)
        #expect(page.body.count < 100_000, "the settings page is \(page.body.count) bytes")
        #expect(GatewayHarness.text(page).contains("claimed, not verified"))
    }

    /// A rejection whose signature did not verify names its identity as claimed only.
    @Test func anUnverifiedIdentityIsLoggedAsClaimed() throws {
        let harness = try GatewayHarness()
        var builder = ResponseBuilder.valid(email: "owner@example.com")
        builder.signing = .none
        #expect(harness.postACS(try builder.encoded()).status == 403)
        var audience = ResponseBuilder.valid()
        audience.audienceRestrictions = [["urn:other"]]
        #expect(harness.postACS(try audience.encoded()).status == 403)
        let log = try harness.log()
        #expect(log.count == 2)
        #expect(log[1].email == "owner@example.com" && !log[1].identityVerified)
        #expect(log[0].email == "alice@example.com" && log[0].identityVerified, "signed, refused for its audience")
    }

    /// Twelve parallel wrong passwords for one email: exactly five are checked, the rest refused
    /// before hashing — the count and the record are one transaction.
    @Test func parallelAttemptsCannotSlipUnderTheLimit() throws {
        let harness = try GatewayHarness(passwordSlots: 12)
        let statuses = Collected()
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            let status =
                (try? SSOGatewayPasswordTests.signIn(harness, email: "owner@example.com", password: "bad guess"))?
                .status
            statuses.append(status ?? 0)
        }
        #expect(statuses.values.filter { $0 == 401 }.count == 5, "\(statuses.values)")
        #expect(statuses.values.filter { $0 == 429 }.count == 7, "\(statuses.values)")
        let checks = try harness.log().map(\.failedCheck)
        #expect(checks.filter { $0 == "password" }.count == 5 && checks.filter { $0 == "rate_limit" }.count == 7)
    }

    /// A stranger's failures for the owner's email never lock the owner out of the password that always works.
    @Test func aStrangerCannotLockTheOwnerOut() throws {
        let harness = try GatewayHarness()
        for _ in 0..<6 {
            _ = try SSOGatewayPasswordTests.signIn(
                harness, email: "owner@example.com", password: "bad guess", client: "198.51.100.9")
        }
        let stranger = try SSOGatewayPasswordTests.signIn(
            harness, email: "owner@example.com", password: GatewayHarness.ownerPassword, client: "198.51.100.9")
        #expect(stranger.status == 429)
        let owner = try SSOGatewayPasswordTests.signIn(
            harness, email: "owner@example.com", password: GatewayHarness.ownerPassword, client: "192.0.2.7")
        #expect(owner.status == 303)
    }

    /// One address spraying many emails is limited too.
    @Test func oneClientIsLimitedAcrossEmails() throws {
        let harness = try GatewayHarness(passwordSlots: 2)
        for index in 0..<20 {
            let response = try SSOGatewayPasswordTests.signIn(
                harness, email: "user\(index)@example.com", password: "guess", client: "203.0.113.5")
            #expect(response.status == 401)
        }
        let next = try SSOGatewayPasswordTests.signIn(
            harness, email: "owner@example.com", password: GatewayHarness.ownerPassword, client: "203.0.113.5")
        #expect(next.status == 429)
    }

    /// With one hashing slot, an attempt that arrives while it is taken is answered 503 at once,
    /// writes nothing and hashes nothing; once the slot is free, attempts are checked again.
    @Test func attemptsBeyondTheSlotsAreAnsweredAtOnce() throws {
        let harness = try GatewayHarness(passwordSlots: 1)
        let whileTaken = try harness.gateway.passwordSlots.run {
            try SSOGatewayPasswordTests.signIn(harness, email: "ghost@example.com", password: "guess")
        }
        let busy = try #require(whileTaken)
        #expect(busy.status == 503 && busy.header("Retry-After") == "1")
        #expect(
            try harness.log().isEmpty, "a busy answer neither hashes nor writes (a checked attempt leaves a log row)")
        #expect(
            try SSOGatewayPasswordTests.signIn(harness, email: "ghost@example.com", password: "guess").status == 401)
    }
}

/// Statuses collected from concurrent requests.
private final class Collected: Sendable {
    private let collected = Mutex<[Int]>([])
    func append(_ value: Int) { collected.withLock { $0.append(value) } }
    var values: [Int] { collected.withLock { $0 } }
}
