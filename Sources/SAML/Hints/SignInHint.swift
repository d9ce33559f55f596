/// Where, in the IdP's own console, the cause of a refused sign-in is fixed: one or two sentences for
/// the admin's sign-in log (the settings page and `samlgate log`), worded for the IdP's product.
///
/// Made when the log is shown, from the row and the account's current settings, so every row gets one
/// whatever version wrote it. Never shown to the browser: it names settings and values an anonymous
/// visitor has no business learning.
public struct SignInHint: Sendable, Hashable {
    /// The IdP product the hint is worded for.
    public let family: IdentityProviderFamily
    /// What went wrong.
    public let problem: SignInProblem
    /// The advice.
    public let text: String

    /// The hint for `problem` at an IdP of `family`, with the account's URLs from `provider`.
    public init(_ problem: SignInProblem, family: IdentityProviderFamily, provider: ServiceProvider) {
        // Only Entra sends groups.link, whatever the settings look like.
        let family = problem == .groupOverage ? .entra : family
        self.family = family
        self.problem = problem
        text = Self.text(for: problem, family: family, provider) ?? Self.generic(problem, family: family, provider)
    }

    /// The hint for a sign-in log row, or nil when the row is no refusal an IdP setting explains.
    ///
    /// - Parameters:
    ///   - failedCheck, reason, expected, actual: the row's fields.
    ///   - idpEntityID, ssoURL: the account's configured IdP, which names its family; for an Issuer
    ///     refusal the Assertion's Issuer the IdP actually sent names it first (it is read after the
    ///     signature verified, so it is the IdP's own word; the Response's Issuer is not).
    ///   - provider: the account's URLs, which the hints quote.
    public init?(
        failedCheck: String?, reason: String, expected: String?, actual: String?, idpEntityID: String?,
        ssoURL: String?, provider: ServiceProvider
    ) {
        guard let failedCheck,
            let problem = SignInProblem(failedCheck: failedCheck, reason: reason, expected: expected, actual: actual)
        else { return nil }
        var family = IdentityProviderFamily(entityID: idpEntityID, ssoURL: ssoURL)
        if case .issuer(let sent?) = problem, let named = IdentityProviderFamily(identifier: sent) {
            family = named
        }
        self.init(problem, family: family, provider: provider)
    }

    /// The family's own wording, or nil where it has none and the generic one applies.
    private static func text(
        for problem: SignInProblem, family: IdentityProviderFamily, _ provider: ServiceProvider
    ) -> String? {
        switch family {
        case .entra: entra(problem, provider)
        case .adfs: adfs(problem, provider)
        case .okta: okta(problem, provider)
        case .google: google(problem, provider)
        case .keycloak: keycloak(problem, provider)
        case .onelogin: onelogin(problem, provider)
        case .jumpcloud: jumpcloud(problem, provider)
        case .shibboleth: shibboleth(problem, provider)
        case .simplesamlphp: simplesamlphp(problem, provider)
        case .unknown: nil
        }
    }

    /// The fix on samlgate's side for an identity the IdP sends as it is set up to: another address for the
    /// user, or another allowed domain.
    static func otherwise(_ problem: SignInProblem) -> String {
        if case .emailDomain = problem { return "allow that domain here" }
        return "change the user's address here"
    }

    /// `identity` quoted for a sentence, or "an identity" when the row has none.
    static func quoted(_ identity: String?) -> String {
        identity.map { "\"\($0)\"" } ?? "an identity"
    }
}
