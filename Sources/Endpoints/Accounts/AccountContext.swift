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

    init(account: Account, version: Int64, settings: SAMLSettings) {
        self.account = account
        self.version = version
        self.settings = settings
        provider = ServiceProvider(slug: account.slug, baseURL: account.baseURL)
        let policy = IdentityProviderPolicy(
            entityID: settings.idpEntityID, allowSHA1: settings.allowSHA1, allowIdPInitiated: settings.allowIdPInitiated,
            clockSkew: Double(settings.clockSkew), sessionLifetime: Double(settings.sessionLifetime))
        if settings.certificates.isEmpty {
            validator = nil
            validatorProblem = "no IdP certificate is configured"
        } else {
            do {
                validator = try ResponseValidator(
                    provider: provider, policy: policy, certificatesDER: settings.certificates.map(\.der))
                validatorProblem = nil
            } catch {
                validator = nil
                validatorProblem = "the configured IdP certificates cannot be used: \(error)"
            }
        }
    }

    /// Whether cookies must carry `Secure` (everything but a plain-http base URL).
    var secureCookies: Bool { !account.baseURL.lowercased().hasPrefix("http://") }

    /// The session cookie's name.
    var cookieName: String { "samlgate_\(account.slug)" }
}
