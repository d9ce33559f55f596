import Credentials
import SAML
import Store

/// Everything a request needs about one account, built once per settings version and shared.
struct AccountContext: Sendable {
    let account: Account
    let version: Int64
    let settings: SAMLSettings
    let provider: ServiceProvider
    /// Nil when no certificate is configured (SAML cannot be enabled then).
    let validator: ResponseValidator?
    /// Why the validator could not be built, for the log.
    let validatorProblem: String?
    /// The account's SP keys, opened.
    let keys: AccountKeys
    /// The account's identity rules, applied to each SAML sign-in.
    let rules: IdentityRules

    init(account: Account, version: Int64, settings: SAMLSettings, keys: AccountKeys = .none) {
        self.account = account
        self.version = version
        self.settings = settings
        self.keys = keys
        provider = ServiceProvider(slug: account.slug, baseURL: account.baseURL)
        rules = IdentityRules(
            emailDomains: settings.emailDomains, requiredGroups: settings.requiredGroups,
            adminGroups: settings.adminGroups, groupAttribute: settings.groupAttribute)
        let policy = IdentityProviderPolicy(
            entityID: settings.idpEntityID, allowSHA1: settings.allowSHA1,
            allowIdPInitiated: settings.allowIdPInitiated,
            clockSkew: Double(settings.clockSkew), sessionLifetime: Double(settings.sessionLifetime),
            requireEncryption: settings.requireEncryption,
            groupAttributes: rules.groupAttributes)
        if settings.certificates.isEmpty {
            validator = nil
            validatorProblem = "no IdP certificate is configured"
        } else {
            do {
                validator = try ResponseValidator(
                    provider: provider, policy: policy, certificatesDER: settings.certificates.map(\.der),
                    decryptionKeys: keys.decryption)
                validatorProblem = nil
            } catch {
                validator = nil
                validatorProblem = "the configured IdP certificates cannot be used: \(error)"
            }
        }
    }

    /// Set on a context taken from the cache without reading the database (the post-back's fast path,
    /// see ``AccountDirectory/unconfirmedContext(slug:)``): every write the request makes first checks,
    /// in the same transaction, that the context is still current (``confirm(in:)``).
    var unconfirmed = false

    /// Thrown by ``confirm(in:)`` when the account or its settings changed since this context was built.
    /// The transaction rolls back, so the request wrote nothing, and it is answered again from a fresh context.
    struct Stale: Error {}

    /// For an unconfirmed context: checks in `transaction` that account and settings version are still
    /// the ones this context was built from, or throws ``Stale``.
    ///
    /// Done in the transaction that records the outcome, a change saved while the request was being
    /// validated is seen, not just one saved before it started.
    func confirm(in transaction: StoreTransaction) throws {
        guard unconfirmed else { return }
        guard let (current, currentVersion) = try transaction.lockedAccountVersion(slug: account.slug),
            current == account, currentVersion == version
        else { throw Stale() }
    }

    /// Whether SAML sign-in can be offered: enabled, with a validator built from the IdP certificates,
    /// and an SSO URL to send the AuthnRequest to.
    ///
    /// The one answer for the sign-in page, the login redirect and the settings page's test button, so
    /// none of them offers SAML where another would not go through with it. (The ACS checks `enabled`
    /// and the validator one by one: each refusal is logged with its own reason.)
    var samlReady: Bool { settings.enabled && validator != nil && settings.ssoURL != nil }

    /// Whether only the owner may use a password: Force SAML is on and SAML is enabled with a usable
    /// certificate.
    ///
    /// Deliberately not ``samlReady``: a missing SSO URL (possible only in a database written by hand)
    /// must not reopen password sign-in for everyone the admin meant to send through the IdP.
    var passwordsRestrictedToOwner: Bool { settings.enabled && settings.forceSAML && validator != nil }

    /// Whether cookies must carry `Secure` (everything but a plain-http base URL).
    var secureCookies: Bool { !account.baseURL.lowercased().hasPrefix("http://") }

    /// The session cookie's name.
    var cookieName: String { "samlgate_\(account.slug)" }
}
