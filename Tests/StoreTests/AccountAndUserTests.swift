import Foundation
import GRDB
import Testing

@testable import Store

/// Accounts and users: shape rules, one owner, unique email regardless of case.
struct AccountAndUserTests {
    @Test func addsAndListsAccounts() throws {
        let temporary = try TemporaryStore()
        _ = try temporary.addAcme()
        try temporary.store.write { try $0.addAccount(slug: "beta-2", name: "Beta", baseURL: "http://localhost:8080/help") }
        let accounts = try temporary.store.read { try $0.accounts() }
        #expect(accounts.map(\.slug) == ["acme", "beta-2"])
        #expect(accounts[1].baseURL == "http://localhost:8080/help")
    }

    /// The ASCII fast path of the email key gives what Foundation's trim + lower-case gives, for every
    /// shape that could take either path.
    @Test(arguments: [
        "alice@example.com", "Alice@Example.COM", " bob@example.com", "carol@example.com\n", "\tDAVE@x.org\r\n",
        "ÉMILE@Exemple.fr", "straße@example.de", "İstanbul@example.tr", "x\u{0B}@y.z", "@", "Z", "",
        "ﬁ@example.com", "ΣΊΣΥΦΟΣ@example.gr", "name\u{00A0}@example.com\u{00A0}",
    ])
    func emailKeyMatchesFoundation(_ email: String) {
        #expect(User.emailKey(email) == email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }

    @Test func refusesDuplicateSlug() throws {
        let temporary = try TemporaryStore()
        _ = try temporary.addAcme()
        #expect(throws: StoreError.duplicateAccount(slug: "acme")) {
            try temporary.store.write { try $0.addAccount(slug: "acme", name: "Other", baseURL: "https://other.example") }
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
        try temporary.store.write { try $0.addUser(accountID: id, email: "Jane.Doe@Example.COM", role: .user) }
        #expect(throws: StoreError.duplicateUser(email: "jane.doe@example.com")) {
            try temporary.store.write { try $0.addUser(accountID: id, email: "jane.doe@example.com", role: .admin) }
        }
        let found = try temporary.store.read { try $0.user(accountID: id, email: "JANE.DOE@example.com") }
        #expect(found?.email == "Jane.Doe@Example.COM")
    }

    @Test func databaseItselfRefusesCaseVariantDuplicatesAndSecondOwner() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try temporary.store.write { try $0.addUser(accountID: id, email: "owner@example.com", role: .owner) }
        // Bypass the API: the schema's constraints hold on their own.
        #expect(throws: (any Error).self) {
            try temporary.store.write { tx in
                try tx.db.execute(
                    sql: """
                        INSERT INTO user (account_id, email, email_key, role, created_at)
                        VALUES (?, 'b@example.com', 'b@example.com', 'owner', 0)
                        """, arguments: [id])
            }
        }
        #expect(throws: (any Error).self) {
            try temporary.store.write { tx in
                try tx.db.execute(
                    sql: """
                        INSERT INTO user (account_id, email, email_key, role, created_at)
                        VALUES (?, 'OWNER@example.com', 'owner@example.com', 'user', 0)
                        """, arguments: [id])
            }
        }
        #expect(try temporary.store.read { try $0.users(accountID: id) }.count == 1)
    }

    @Test func exactlyOneOwner() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        try temporary.store.write { try $0.addUser(accountID: id, email: "owner@example.com", role: .owner) }
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
                return tx.db.changesCount
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
