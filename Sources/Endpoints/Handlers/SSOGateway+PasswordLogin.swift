import Credentials
import Foundation
import SAML
import Store

extension SSOGateway {
    /// `POST …/login`: password sign-in (email, password, CSRF token).
    ///
    /// One generic failure message whatever was wrong (no user enumeration), a per-account+email rate
    /// limit, and Force SAML: only the owner may use a password while it is on.
    func passwordLogin(_ request: HTTPRequest, context: AccountContext) throws -> HTTPResponse {
        let form = FormData(urlEncoded: request.body)
        let returnTo = ReturnPath.resolve(form.single("return_to"), baseURL: context.account.baseURL)
        let cookieToken = Cookies.value(named: csrfCookieName(context), in: request.headers["cookie"])
        guard let cookieToken, let formToken = form.single("csrf_token"), !cookieToken.isEmpty,
            ConstantTime.equal(cookieToken, formToken)
        else {
            return pages.error(
                status: 403, title: "Sign-in expired", message: "The sign-in form expired. Please try again.",
                retryURL: context.provider.loginURL + "?password=1"
            ).with(outcome: "csrf_rejected")
        }
        let email = form.single("email")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let password = form.single("password") ?? ""
        let now = clock()
        let reference = ReferenceID.make()
        let failures = try store.read {
            try $0.loginFailures(accountID: context.account.id, email: email, since: now.addingTimeInterval(-Self.rateLimitWindow))
        }
        func log(_ outcome: SignInLogEntry.Outcome, _ reason: String, check: String? = nil) throws {
            try store.write { tx in
                if outcome == .rejected, check == "password" {
                    try tx.recordLoginFailure(accountID: context.account.id, email: email, now: now)
                }
                try tx.appendLog(
                    accountID: context.account.id,
                    SignInLogEntry(
                        time: now, outcome: outcome, method: .password, email: email.isEmpty ? nil : email, reason: reason,
                        reference: reference, failedCheck: check, clientAddress: request.remoteAddress))
            }
        }
        guard failures < Self.rateLimitAttempts else {
            try log(.rejected, "too many failed password attempts; wait 15 minutes", check: "rate_limit")
            var page = signInPage(
                context: context, returnTo: returnTo, request: request, status: 429,
                error: "Too many failed attempts. Please wait 15 minutes and try again.", email: email)
            page.headers.append(("Retry-After", String(Int(Self.rateLimitWindow))))
            return page
        }
        let user = try store.read { try $0.user(accountID: context.account.id, email: email) }
        // Hash even for unknown users so timing does not reveal which emails exist.
        let hash = user?.passwordHash ?? Self.decoyHash
        let passwordMatches = PasswordHasher.verify(password, against: hash) && user?.passwordHash != nil
        guard let user, passwordMatches, !user.disabled else {
            try log(.rejected, "wrong email or password, or the user is disabled", check: "password")
            return signInPage(
                context: context, returnTo: returnTo, request: request, status: 401, error: "The email or password is not right.",
                email: email)
        }
        let samlForced = context.settings.enabled && context.settings.forceSAML && context.validator != nil
        if samlForced, user.role != .owner {
            try log(.rejected, "password sign-in refused: SAML sign-in is forced and \(user.email) is not the owner", check: "force_saml")
            return signInPage(
                context: context, returnTo: returnTo, request: request, status: 403,
                error: "This account requires single sign-on. Use \u{201C}Sign in with SSO\u{201D}.", email: email)
        }
        let token = SecureRandom.token()
        let expiry = now.addingTimeInterval(TimeInterval(context.settings.sessionLifetime))
        try store.write { tx in
            try tx.createSession(
                accountID: context.account.id, userID: user.id, token: token, authMethod: .password, createdAt: now,
                expiresAt: expiry)
            try tx.clearLoginFailures(accountID: context.account.id, email: email)
            try tx.appendLog(
                accountID: context.account.id,
                SignInLogEntry(
                    time: now, outcome: .accepted, method: .password, email: user.email, reason: "signed in with a password",
                    reference: reference, clientAddress: request.remoteAddress))
            try pruneIfDue(tx, now: now)
        }
        let cookie = Cookies.setCookie(
            name: context.cookieName, value: token, maxAge: context.settings.sessionLifetime, secure: context.secureCookies)
        var response = HTTPResponse.redirect(
            303, to: returnTo ?? ReturnPath.home(baseURL: context.account.baseURL), headers: [("Set-Cookie", cookie)])
        response.logMetadata = ["outcome": "accepted", "email": user.email, "reference": reference]
        return response
    }

    /// A valid scrypt hash of a random password, verified against when the user does not exist.
    static let decoyHash = PasswordHasher().hash(SecureRandom.token())
}
