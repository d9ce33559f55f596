import Endpoints
import Foundation
import HTTP
@_spi(Testing) import SAML
import Store
import TestSupport
import Testing

/// The identity rules at the Post-back URL: each accepting and refusing, inside the sign-in, logged with
/// its check; groups kept with the session and passed on; roles from the admin groups.
@Suite(.timeLimit(.minutes(1)))
struct SSOGatewayIdentityRulesTests {
    static func signIn(
        _ harness: GatewayHarness, email: String = "alice@example.com", groups: [String]? = nil,
        groupAttribute: String = "groups"
    ) throws -> HTTPResponse {
        var builder = ResponseBuilder.valid(email: email)
        if let groups { builder.attributes.append((groupAttribute, groups)) }
        return harness.postACS(try builder.encoded())
    }

    static func role(_ harness: GatewayHarness, _ email: String) throws -> Role? {
        try harness.store.read { try $0.user(accountID: harness.accountID, email: email) }?.role
    }

    @Test func anIdentityOutsideTheEmailDomainsIsRefusedAndLogged() throws {
        let harness = try GatewayHarness { $0.emailDomains = ["acme.test"] }
        let refused = try Self.signIn(harness)
        #expect(refused.status == 403)
        let page = GatewayHarness.text(refused)
        #expect(page.contains("ask your administrator") && !page.contains("acme.test"), "\(page)")
        #expect(try harness.sessions().isEmpty)
        let log = try #require(try harness.log().first)
        #expect(log.outcome == .rejected && log.failedCheck == "email_domain")
        #expect(log.expected == "@acme.test" && log.actual == "@example.com")
        #expect(log.email == "alice@example.com")
        try harness.changeSettings { $0.emailDomains = ["other.test", "Example.COM"] }
        #expect(try Self.signIn(harness).status == 303)
    }

    @Test func aRequiredGroupLetsMembersInOnly() throws {
        let harness = try GatewayHarness { $0.requiredGroups = ["Support"] }
        #expect(try Self.signIn(harness, groups: ["Sales"]).status == 403)
        var log = try #require(try harness.log().first)
        #expect(log.failedCheck == "group" && log.expected == "Support" && log.actual == "Sales")
        #expect(try Self.signIn(harness).status == 403)
        log = try #require(try harness.log().first)
        #expect(log.failedCheck == "group" && log.reason.contains("no group attribute"))
        #expect(try harness.sessions().isEmpty)
        #expect(try Self.signIn(harness, groups: ["Sales", "support"]).status == 303)
        #expect(try harness.sessions().count == 1)
    }

    @Test func theConfiguredGroupAttributeIsTheOneRead() throws {
        let harness = try GatewayHarness {
            $0.requiredGroups = ["agents"]
            $0.groupAttribute = "http://schemas.xmlsoap.org/claims/Group"
        }
        #expect(try Self.signIn(harness, groups: ["agents"]).status == 403)
        #expect(
            try Self.signIn(harness, groups: ["agents"], groupAttribute: "http://schemas.xmlsoap.org/claims/Group")
                .status == 303)
    }

    @Test func groupsArePassedOnCommaSafeAndOnlyWhenSent() throws {
        let harness = try GatewayHarness()
        let withGroups = try Self.signIn(harness, groups: ["cn=Support,dc=acme", "Équipe", "100%"])
        let cookie = try #require(GatewayHarness.sessionCookie(withGroups))
        let auth = harness.get("/sso/acme/auth", cookie: cookie)
        #expect(auth.status == 204)
        #expect(auth.header("X-Samlgate-Groups") == "cn=Support%2Cdc=acme,Équipe,100%25")
        let without = try #require(GatewayHarness.sessionCookie(try Self.signIn(harness)))
        let plain = harness.get("/sso/acme/auth", cookie: without)
        #expect(plain.status == 204 && plain.header("X-Samlgate-Groups") == nil)
    }

    @Test func adminGroupsSwitchTheRoleAtEachSignInButNeverTheOwners() throws {
        let harness = try GatewayHarness { $0.adminGroups = ["Helpdesk Admins"] }
        #expect(try Self.role(harness, "alice@example.com") == .user)
        let promoted = try Self.signIn(harness, groups: ["Users", "Helpdesk Admins"])
        #expect(promoted.status == 303)
        #expect(try Self.role(harness, "alice@example.com") == .admin)
        #expect(try harness.log().first?.reason.contains("role user → admin") == true)
        let cookie = try #require(GatewayHarness.sessionCookie(promoted))
        #expect(harness.get("/sso/acme/auth", cookie: cookie).header("X-Samlgate-Role") == "admin")
        #expect(try Self.signIn(harness, groups: ["Users"]).status == 303)
        #expect(try Self.role(harness, "alice@example.com") == .user)
        // The admin carol has no such group: the next sign-in makes her a user. The owner stays owner.
        #expect(try Self.signIn(harness, email: "carol@example.com").status == 303)
        #expect(try Self.role(harness, "carol@example.com") == .user)
        #expect(try Self.signIn(harness, email: "owner@example.com", groups: ["Users"]).status == 303)
        #expect(try Self.role(harness, "owner@example.com") == .owner)
    }

    @Test func withoutAdminGroupsRolesStayAsSet() throws {
        let harness = try GatewayHarness()
        #expect(try Self.signIn(harness, email: "carol@example.com", groups: ["Users"]).status == 303)
        #expect(try Self.role(harness, "carol@example.com") == .admin)
    }

    @Test func anUnknownUserIsLoggedWithTheNameIDFormatAndTheAttributesReceived() throws {
        let harness = try GatewayHarness()
        var builder = ResponseBuilder()
        builder.nameIDContent = "_e74c1f"
        builder.nameIDFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
        builder.attributes = [("mail2", ["x@example.com"]), ("givenName", ["Zoë"]), ("sn", ["Z"])]
        #expect(harness.postACS(try builder.encoded()).status == 403)
        let log = try #require(try harness.log().first)
        #expect(log.failedCheck == "user")
        #expect(log.actual == "_e74c1f; NameID is transient; attributes received: mail2, givenName, sn")
    }
}
