import Foundation
@_spi(Testing) import SAML
import TestSupport
import Testing

/// Email domains, required groups and admin groups, on verified responses.
struct IdentityRulesTests {
    static func verified(email: String = "zoe@acme.test", groups: [String]?, overage: Bool = false) throws
        -> VerifiedResponse
    {
        var builder = ResponseBuilder()
        builder.attributes = [("email", [email])]
        if let groups { builder.attributes.append(("groups", groups)) }
        if overage { builder.attributes.append(("http://schemas.microsoft.com/claims/groups.link", ["https://graph"])) }
        return try #require(try Validation.run(builder).accepted).response
    }

    /// The rejection `body` throws, or nil when it accepts.
    static func rejection(_ body: () throws(Rejection) -> Void) -> Rejection? {
        do throws(Rejection) {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func noRulesAcceptEveryone() throws {
        let rules = IdentityRules()
        try rules.checkDomain(of: "anyone@anywhere.test")
        let none = try Self.verified(groups: nil)
        try rules.checkGroups(of: none)
        #expect(rules.grantsAdmin(try Self.verified(groups: ["admins"])) == nil)
    }

    @Test func theDomainMustBeOneOfTheList() throws {
        let rules = IdentityRules(emailDomains: ["acme.test", "acme.example"])
        try rules.checkDomain(of: "zoe@acme.test")
        try rules.checkDomain(of: "Zoe@ACME.Example")
        for identity in ["zoe@evil.test", "zoe@sub.acme.test", "zoe@acme.test.evil.test", "zoe", "zoe@", "_e74c1f"] {
            #expect(throws: Rejection.self, "\(identity)") { try rules.checkDomain(of: identity) }
        }
        let error = try #require(
            Self.rejection { () throws(Rejection) in try rules.checkDomain(of: "mallory@evil.test") })
        #expect(error.check == .emailDomain)
        #expect(error.expected == "@acme.test or @acme.example" && error.actual == "@evil.test")
    }

    /// The part after the last `@` decides: an address with two cannot borrow the domain of its first.
    @Test func onlyTheLastAtSignCounts() throws {
        let rules = IdentityRules(emailDomains: ["acme.test"])
        #expect(throws: Rejection.self) { try rules.checkDomain(of: "zoe@acme.test@evil.test") }
        // A Kelvin sign is not a K.
        let kelvin = IdentityRules(emailDomains: ["kacme.test"])
        #expect(throws: Rejection.self) { try kelvin.checkDomain(of: "zoe@\u{212A}acme.test") }
    }

    @Test func aRequiredGroupMustBeAmongTheUsersGroups() throws {
        let rules = IdentityRules(requiredGroups: ["Support", "Sales"])
        let member = try Self.verified(groups: ["Engineering", "support"])
        try rules.checkGroups(of: member)
        let engineer = try Self.verified(groups: ["Engineering"])
        let error = try #require(
            Self.rejection { () throws(Rejection) in try rules.checkGroups(of: engineer) })
        #expect(error.check == .group && error.expected == "Support or Sales" && error.actual == "Engineering")
    }

    @Test func noGroupAttributeAndEntrasOverageSaySo() throws {
        let rules = IdentityRules(requiredGroups: ["Support"])
        let none = try Self.verified(groups: nil)
        let named = IdentityRules(requiredGroups: ["Support"], groupAttribute: "memberOf")
        let absent = try #require(
            Self.rejection { () throws(Rejection) in try named.checkGroups(of: none)
            })
        #expect(absent.check == .group && absent.reason.contains("no group attribute (looked for memberOf)"))
        let byDefault = try #require(Self.rejection { () throws(Rejection) in try rules.checkGroups(of: none) })
        #expect(byDefault.reason.contains("(looked for groups, memberOf, isMemberOf, "))
        let overage = try Self.verified(groups: nil, overage: true)
        let link = try #require(
            Self.rejection { () throws(Rejection) in try rules.checkGroups(of: overage) })
        #expect(link.check == .group && link.reason.contains("Entra ID"))
        let empty = try Self.verified(groups: [])
        #expect(Self.rejection { () throws(Rejection) in try rules.checkGroups(of: empty) } != nil)
    }

    @Test func adminGroupsDecideAdminOrUser() throws {
        let rules = IdentityRules(adminGroups: ["Helpdesk Admins"])
        #expect(rules.grantsAdmin(try Self.verified(groups: ["Users", "helpdesk admins"])) == true)
        #expect(rules.grantsAdmin(try Self.verified(groups: ["Users"])) == false)
        #expect(rules.grantsAdmin(try Self.verified(groups: nil)) == false)
    }

    /// Two of the common group attributes at once (say `groups` from a mapper users can edit, and the
    /// directory's `memberOf`): with a rule set, which is the user's groups is not samlgate's guess.
    @Test func groupsInTwoCommonAttributesAreAmbiguous() throws {
        var builder = ResponseBuilder()
        builder.attributes = [("email", ["zoe@acme.test"]), ("groups", ["Helpdesk Admins"]), ("memberOf", ["Users"])]
        let response = try #require(try Validation.run(builder).accepted).response
        #expect(response.ambiguousGroupAttributes == ["groups", "memberOf"])
        #expect(IdentityRules(adminGroups: ["Helpdesk Admins"]).grantsAdmin(response) == false)
        let error = try #require(
            Self.rejection { () throws(Rejection) in
                try IdentityRules(requiredGroups: ["Users"]).checkGroups(of: response)
            })
        #expect(error.check == .group && error.reason.contains("more than one attribute (groups, memberOf)"))
        // With the attribute named, only it is read and nothing is ambiguous.
        var policy = IdentityProviderPolicy()
        policy.groupAttributes = ["memberOf"]
        let named = try #require(try Validation.run(builder, policy: policy).accepted).response
        #expect(named.ambiguousGroupAttributes == nil && named.groups == ["Users"])
    }

    /// Names compare byte for byte after ASCII folding: canonically equivalent text is another name.
    @Test func canonicallyEquivalentNamesAreOtherNames() throws {
        let rules = IdentityRules(emailDomains: ["xn--caf-dma.test"], requiredGroups: ["Café;"])
        let decomposed = try Self.verified(groups: ["Cafe\u{301}\u{37E}"])
        #expect(Self.rejection { () throws(Rejection) in try rules.checkGroups(of: decomposed) } != nil)
        let composed = try Self.verified(groups: ["café;"])
        #expect(Self.rejection { () throws(Rejection) in try rules.checkGroups(of: composed) } == nil)
    }
}
