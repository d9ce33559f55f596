import Foundation
import GRDB
import Testing

@testable import Store

/// Accounts and users: shape rules, one owner, unique email regardless of case.
struct AccountAndUserTests {
    @Test func addsAndListsAccounts() throws {
        let temporary = try TemporaryStore()
        _ = try temporary.addAcme()
        _ = try temporary.store.write {
            try $0.addAccount(slug: "beta-2", name: "Beta", baseURL: "http://localhost:8080/help")
        }
        let accounts = try temporary.store.read { try $0.accounts() }
        #expect(accounts.map(\.slug) == ["acme", "beta-2"])
        #expect(accounts[1].baseURL == "http://localhost:8080/help")
    }

    /// Email keys fold ASCII letters only: Unicode lower-casing would make a Kelvin sign a `k`.
    @Test(arguments: [
        ("alice@example.com", "alice@example.com"), ("Alice@Example.COM", "alice@example.com"),
        ("ÉMILE@Exemple.fr", "Émile@exemple.fr"), ("\u{212A}ate@acme.test", "\u{212A}ate@acme.test"),
        ("STRASSE@x.de", "strasse@x.de"), ("straße@x.de", "straße@x.de"),
    ])
    func emailKeyFoldsASCIIOnly(email: String, key: String) {
        #expect(User.emailKey(email) == key)
    }

    /// Three look-alikes of kate@acme.test, each her under Unicode case folding or Unicode white-space
    /// trimming: the first finds nobody, the other two cannot even be added.
    @Test func lookalikesOfAUserAreNotThatUser() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        _ = try temporary.store.write { try $0.addUser(accountID: id, email: "kate@acme.test", role: .user) }
        for lookalike in ["\u{212A}ate@acme.test", "kate@acme.test\u{00A0}", "kate@acme.test\u{2003}"] {
            #expect(
                try temporary.store.read { try $0.user(accountID: id, email: lookalike) } == nil,
                "\(lookalike.debugDescription)")
        }
        _ = try temporary.store.write { try $0.addUser(accountID: id, email: "\u{212A}ate@acme.test", role: .user) }
        for refused in ["kate@acme.test\u{00A0}", "kate@acme.test\u{2003}", "ka\u{0085}te@acme.test"] {
            #expect(throws: StoreError.self) {
                try temporary.store.write { try $0.addUser(accountID: id, email: refused, role: .user) }
            }
        }
        #expect(try temporary.store.read { try $0.users(accountID: id) }.count == 2)
    }

    @Test func xmlWhitespaceAroundAnEmailIsTrimmedWhenAdded() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let user = try temporary.store.write {
            try $0.addUser(accountID: id, email: " \tbob@example.com\n", role: .user)
        }
        #expect(user.email == "bob@example.com")
    }

    @Test func refusesDuplicateSlug() throws {
        let temporary = try TemporaryStore()
        _ = try temporary.addAcme()
        #expect(throws: StoreError.duplicateAccount(slug: "acme")) {
            try temporary.store.write {
                try $0.addAccount(slug: "acme", name: "Other", baseURL: "https://other.example")
            }
        }
    }

    @Test(arguments: ["", "-acme", "Acme", "acme_1", "a b", String(repeating: "a", count: 64), "ünï"])
    func refusesInvalidSlugs(slug: String) throws {
        let temporary = try TemporaryStore()
        #expect(throws: StoreError.invalidSlug(slug)) {
            try temporary.store.write { try $0.addAccount(slug: slug, name: "x", baseURL: "https://x.example") }
        }
    }

    @Test(arguments: [
        "help.example.com", "ftp://help.example.com", "https://help.example.com/", "https://help.example.com?x=1",
        "https://user:pw@help.example.com", "https://", "https://help.example.com/a#frag",
    ])
    func refusesInvalidBaseURLs(url: String) throws {
        let temporary = try TemporaryStore()
        #expect(throws: StoreError.self) {
            try temporary.store.write { try $0.addAccount(slug: "acme", name: "x", baseURL: url) }
        }
        #expect(try temporary.store.read { try $0.accounts() }.isEmpty)
    }

    @Test func emailIsUniquePerAccountRegardlessOfCase() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        _ = try temporary.store.write { try $0.addUser(accountID: id, email: "Jane.Doe@Example.COM", role: .user) }
        #expect(throws: StoreError.duplicateUser(email: "jane.doe@example.com")) {
            try temporary.store.write { try $0.addUser(accountID: id, email: "jane.doe@example.com", role: .admin) }
        }
        let found = try temporary.store.read { try $0.user(accountID: id, email: "JANE.DOE@example.com") }
        #expect(found?.email == "Jane.Doe@Example.COM")
    }

    @Test func databaseItselfRefusesCaseVariantDuplicatesAndSecondOwner() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        _ = try temporary.store.write { try $0.addUser(accountID: id, email: "owner@example.com", role: .owner) }
        // Bypass the API: the schema's constraints hold on their own.
        #expect(throws: (any Error).self) {
            try temporary.store.write { tx in
                try tx.run(
                    """
                    INSERT INTO "user" (account_id, email, email_key, role, created_at)
                    VALUES (?, 'b@example.com', 'b@example.com', 'owner', 0)
                    """, [id])
            }
        }
        #expect(throws: (any Error).self) {
            try temporary.store.write { tx in
                try tx.run(
                    """
                    INSERT INTO "user" (account_id, email, email_key, role, created_at)
                    VALUES (?, 'OWNER@example.com', 'owner@example.com', 'user', 0)
                    """, [id])
            }
        }
        #expect(try temporary.store.read { try $0.users(accountID: id) }.count == 1)
    }

    @Test func exactlyOneOwner() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        _ = try temporary.store.write { try $0.addUser(accountID: id, email: "owner@example.com", role: .owner) }
        #expect(throws: StoreError.secondOwner(existing: "owner@example.com")) {
            try temporary.store.write { try $0.addUser(accountID: id, email: "other@example.com", role: .owner) }
        }
        #expect(throws: StoreError.ownerRequired(email: "owner@example.com")) {
            try temporary.store.write { try $0.removeUser(accountID: id, email: "OWNER@example.com") }
        }
        #expect(throws: StoreError.ownerRequired(email: "owner@example.com")) {
            try temporary.store.write { try $0.setDisabled(accountID: id, email: "owner@example.com", disabled: true) }
        }
    }

    /// Enabling a user who is enabled keeps their sessions; enabling one who was disabled ends any left over.
    @Test func enablingEndsOnlyTheSessionsOfADisabledUser() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        func sessions() throws -> Int64? {
            try temporary.store.read { try $0.one("SELECT count(*) AS n FROM session")?["n"] as Int64? }
        }
        try temporary.store.write { tx in
            let user = try tx.addUser(accountID: id, email: "u@example.com", role: .user)
            try tx.createSession(
                accountID: id, userID: user.id, token: "kept", authMethod: .saml, createdAt: now,
                expiresAt: now.addingTimeInterval(600))
            try tx.setDisabled(accountID: id, email: "u@example.com", disabled: false)
        }
        #expect(try sessions() == 1)
        try temporary.store.write { tx in
            try tx.run("UPDATE \"user\" SET disabled = 1")  // as left by a disable that a sign-in raced
            try tx.setDisabled(accountID: id, email: "u@example.com", disabled: false)
        }
        #expect(try sessions() == 0)
    }

    @Test func disableEnableRemoveAndPasswords() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try temporary.store.write { tx in
            try tx.addUser(accountID: id, email: "u@example.com", role: .user, givenName: "U", familyName: "Ser")
            try tx.setDisabled(accountID: id, email: "u@example.com", disabled: true)
            try tx.setPasswordHash(accountID: id, email: "U@example.com", passwordHash: "$scrypt$x")
        }
        var user = try #require(try temporary.store.read { try $0.user(accountID: id, email: "u@example.com") })
        #expect(user.disabled && user.hasPassword && user.givenName == "U")
        try temporary.store.write { try $0.setDisabled(accountID: id, email: "u@example.com", disabled: false) }
        user = try #require(try temporary.store.read { try $0.user(accountID: id, email: "u@example.com") })
        #expect(!user.disabled)
        try temporary.store.write { try $0.removeUser(accountID: id, email: "u@example.com") }
        #expect(try temporary.store.read { try $0.user(accountID: id, email: "u@example.com") } == nil)
        #expect(throws: StoreError.unknownUser(email: "u@example.com")) {
            try temporary.store.write { try $0.removeUser(accountID: id, email: "u@example.com") }
        }
    }

    @Test func updatingNamesWritesOnlyWhatChanged() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let user = try temporary.store.write {
            try $0.addUser(accountID: id, email: "u@example.com", role: .user, givenName: "Ursula", familyName: "Ser")
        }
        func update(_ given: String?, _ family: String?) throws -> Int {
            try temporary.store.write { tx in
                try tx.updateNames(userID: user.id, givenName: given, familyName: family)
                return tx.changes
            }
        }
        #expect(try update("Ursula", "Ser") == 0)
        #expect(try update(nil, nil) == 0)
        #expect(try update("Ursula", nil) == 0)
        #expect(try update("Uschi", nil) == 1)
        #expect(try update(nil, "Sér") == 1)
        let stored = try #require(try temporary.store.read { try $0.user(accountID: id, email: "u@example.com") })
        #expect(stored.givenName == "Uschi" && stored.familyName == "Sér")
    }
}
