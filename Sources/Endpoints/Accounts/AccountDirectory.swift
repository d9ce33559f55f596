import Credentials
import Store
import Synchronization

/// Per-account settings, IdP keys and SP keys, cached across requests and threads.
///
/// Each request reads the account row and its settings version (one indexed query); only when the
/// version changed — a save by the CLI or the settings page, or an SP key change — are settings,
/// certificates and SP keys reloaded and parsed again. So a change takes effect on the next request,
/// and no request pays for certificate parsing or opening a private key.
final class AccountDirectory: Sendable {
    private let store: Store
    private let secret: SPKeySecret
    private let cache = Mutex<[String: AccountContext]>([:])

    init(store: Store, secret: SPKeySecret) {
        self.store = store
        self.secret = secret
    }

    /// The current context of account `slug`, or nil when no such account exists.
    func context(slug: String) throws -> AccountContext? {
        try store.read { try context(slug: slug, transaction: $0) }
    }

    /// As ``context(slug:)``, inside a read the caller already holds (one database round trip for
    /// requests that need more, such as the per-request `auth` check).
    func context(slug: String, transaction: StoreTransaction) throws -> AccountContext? {
        guard let (account, version) = try transaction.accountVersion(slug: slug) else {
            cache.withLock { _ = $0.removeValue(forKey: slug) }
            return nil
        }
        if let cached = cache.withLock({ $0[slug] }), cached.version == version, cached.account == account {
            return cached
        }
        let settings = try transaction.samlSettings(accountID: account.id)
        let keys = AccountKeys(stored: try transaction.spKeys(accountID: account.id), secret: secret)
        let context = AccountContext(account: account, version: version, settings: settings, keys: keys)
        cache.withLock { $0[slug] = context }
        return context
    }

    /// The context of `slug` as last read, without reading the database, or nil if none is cached.
    ///
    /// It comes back ``AccountContext/unconfirmed``: its writes must confirm it. A post-back uses this
    /// and so spends no read transaction of its own: with a commit per sign-in, every reader's page
    /// cache is stale at each request, so that read would refill it on every post-back.
    func unconfirmedContext(slug: String) -> AccountContext? {
        guard var context = cache.withLock({ $0[slug] }) else { return nil }
        context.unconfirmed = true
        return context
    }

    /// The context of the only account, for the Authorizer role when no account is named.
    func onlyAccount(transaction: StoreTransaction) throws -> AccountContext? {
        let accounts = try transaction.accounts()
        guard accounts.count == 1 else { return nil }
        return try context(slug: accounts[0].slug, transaction: transaction)
    }
}
