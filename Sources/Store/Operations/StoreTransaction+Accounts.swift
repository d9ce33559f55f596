import Foundation
import GRDB

extension StoreTransaction {
    /// Adds an account with default (disabled) SAML settings.
    @discardableResult
    public func addAccount(slug: String, name: String, baseURL: String, now: Date = Date()) throws -> Account {
        try AccountRules.validate(slug: slug)
        try AccountRules.validate(baseURL: baseURL)
        if try one("SELECT id FROM account WHERE slug = ?", [slug]) != nil {
            throw StoreError.duplicateAccount(slug: slug)
        }
        let time = Int64(now.timeIntervalSince1970)
        guard
            let id: Int64 = try one(
                "INSERT INTO account (slug, name, base_url, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                [slug, name, baseURL, time])?["id"]
        else { throw StoreError.database("account \(slug) vanished after insert") }
        try run("INSERT INTO saml_settings (account_id, updated_at) VALUES (?, ?)", [id, time])
        return Account(id: id, slug: slug, name: name, baseURL: baseURL)
    }

    /// All accounts, by slug.
    public func accounts() throws -> [Account] {
        try all("SELECT id, slug, name, base_url FROM account ORDER BY slug").map(Account.init(row:))
    }

    /// The account with `slug`, or nil.
    public func account(slug: String) throws -> Account? {
        try one("SELECT id, slug, name, base_url FROM account WHERE slug = ?", [slug])
            .map(Account.init(row:))
    }

    /// The account with `slug`, or ``StoreError/unknownAccount(slug:)``.
    public func requireAccount(slug: String) throws -> Account {
        guard let account = try account(slug: slug) else { throw StoreError.unknownAccount(slug: slug) }
        return account
    }
}

extension Account {
    init(row: StoreRow) {
        self.init(id: row["id"], slug: row["slug"], name: row["name"], baseURL: row["base_url"])
    }
}
