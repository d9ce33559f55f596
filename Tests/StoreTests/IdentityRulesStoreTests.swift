import Foundation
import Testing

@testable import Store

/// The identity rules as settings, the groups a session keeps, and roles the admin groups set.
struct IdentityRulesStoreTests {
    @Test func rulesRoundTripGroupNamesWithCommasIncluded() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        var settings = try temporary.store.read { try $0.samlSettings(accountID: id) }
        #expect(settings.emailDomains.isEmpty && settings.groupAttribute == nil && settings.adminGroups.isEmpty)
        settings.emailDomains = ["acme.test", "acme.example"]
        settings.groupAttribute = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
        settings.requiredGroups = ["cn=Support,ou=Groups,dc=acme,dc=test", "Équipe"]
        settings.adminGroups = ["100% admins"]
        try temporary.store.write { try $0.saveSAMLSettings(accountID: id, settings) }
        let read = try temporary.store.read { try $0.samlSettings(accountID: id) }
        #expect(read.emailDomains == settings.emailDomains && read.groupAttribute == settings.groupAttribute)
        #expect(read.requiredGroups == settings.requiredGroups && read.adminGroups == settings.adminGroups)
    }

    @Test func aSessionKeepsItsGroupsAndAPasswordSessionHasNone() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        try temporary.store.write { tx in
            let user = try tx.addUser(accountID: id, email: "u@example.com", role: .user)
            try tx.createSession(
                accountID: id, userID: user.id, token: "saml", authMethod: .saml, createdAt: now,
                expiresAt: now.addingTimeInterval(600), subject: SAMLSubject(nameID: "u@example.com"),
                groups: GroupList(["a,b", "c"]))
            try tx.createSession(
                accountID: id, userID: user.id, token: "empty", authMethod: .saml, createdAt: now,
                expiresAt: now.addingTimeInterval(600), groups: GroupList([]))
            try tx.createSession(
                accountID: id, userID: user.id, token: "password", authMethod: .password, createdAt: now,
                expiresAt: now.addingTimeInterval(600))
        }
        let saml = try #require(try temporary.store.read { try $0.session(accountID: id, token: "saml", now: now) })
        #expect(saml.1.groups?.names == ["a,b", "c"])
        let empty = try #require(try temporary.store.read { try $0.session(accountID: id, token: "empty", now: now) })
        #expect(empty.1.groups?.isEmpty == true)
        let password = try #require(
            try temporary.store.read { try $0.session(accountID: id, token: "password", now: now) })
        #expect(password.1.groups == nil)
    }

    @Test func setRoleNeverTouchesTheOwner() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let (owner, user) = try temporary.store.write { tx in
            (
                try tx.addUser(accountID: id, email: "o@example.com", role: .owner),
                try tx.addUser(accountID: id, email: "u@example.com", role: .user)
            )
        }
        try temporary.store.write { tx in
            try tx.setRole(userID: owner.id, role: .user)
            try tx.setRole(userID: user.id, role: .admin)
        }
        #expect(try temporary.store.read { try $0.user(accountID: id, email: "o@example.com") }?.role == .owner)
        #expect(try temporary.store.read { try $0.user(accountID: id, email: "u@example.com") }?.role == .admin)
    }
}
