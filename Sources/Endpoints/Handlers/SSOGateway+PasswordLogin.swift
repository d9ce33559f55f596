import Credentials
import Foundation
import HTTP
import SAML
import Store

extension SSOGateway {
    /// `POST …/login`: password sign-in (email, password, CSRF token).
    ///
    /// One generic failure message whatever was wrong (no user enumeration); Force SAML: only the
    /// owner may use a password while it is on. A flood is bounded three ways: at most
    /// ``PasswordSlots/count`` hashes at once (others get 503 without hashing), and per client address
    /// at most ``rateLimitAttempts`` failures per email and ``clientRateLimitAttempts`` in all per
    /// ``rateLimitWindow`` — counted and recorded before the hash, in one transaction, so parallel
    /// attempts cannot all slip under the limit, and keyed by address so a stranger cannot lock the
    /// owner out of the password that always works.
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
        let submitted = form.single("email") ?? ""
        // An email that cannot be an identity matches no user (none can be added), so it simply fails.
        let email = (try? Identity.normalized(submitted)) ?? submitted.trimmingXMLWhitespace()
        let password = form.single("password") ?? ""
        let attempt = PasswordAttempt(
            accountID: context.account.id, email: email, client: request.remoteAddress ?? "", now: clock(),
            reference: ReferenceID.make())
        let answer = try passwordSlots.run { () throws -> HTTPResponse in
            try checkPassword(password, attempt: attempt, returnTo: returnTo, request: request, context: context)
        }
        guard let answer else {
            var busy = pages.error(
                status: 503, title: "Busy", message: "Too many sign-ins are being checked right now. Please try again.",
                retryURL: context.provider.loginURL + "?password=1")
            busy.headers.append(("Retry-After", "1"))
            return busy.with(outcome: "password_busy")
        }
        return answer
    }

    /// One password attempt's facts, for the rate limit and the sign-in log.
    private struct PasswordAttempt {
        let accountID: Int64
        let email: String
        let client: String
        let now: Date
        let reference: String

        func logEntry(
            _ outcome: SignInLogEntry.Outcome, _ reason: String, check: String? = nil, verifiedEmail: String? = nil
        ) -> SignInLogEntry {
            SignInLogEntry(
                time: now, outcome: outcome, method: .password, email: verifiedEmail ?? (email.isEmpty ? nil : email),
                identityVerified: verifiedEmail != nil, reason: reason, reference: reference, failedCheck: check,
                clientAddress: client.isEmpty ? nil : client)
        }
    }

    /// The attempt inside a password slot: admitted by the rate limit, hashed, answered.
    private func checkPassword(
        _ password: String, attempt: PasswordAttempt, returnTo: String?, request: HTTPRequest, context: AccountContext
    ) throws -> HTTPResponse {
        let admitted = try store.write { tx -> Bool in
            try tx.lockLoginAttempts(accountID: attempt.accountID, clientAddress: attempt.client)
            let since = attempt.now.addingTimeInterval(-Self.rateLimitWindow)
            let forEmail = try tx.loginFailures(
                accountID: attempt.accountID, email: attempt.email, clientAddress: attempt.client, since: since)
            let fromClient = try tx.loginFailures(
                accountID: attempt.accountID, clientAddress: attempt.client, since: since)
            guard forEmail < Self.rateLimitAttempts, fromClient < Self.clientRateLimitAttempts else {
                try tx.appendLog(
                    accountID: attempt.accountID,
                    attempt.logEntry(
                        .rejected, "too many failed password attempts; wait 15 minutes", check: "rate_limit"))
                return false
            }
            // Counted as a failure until it succeeds (then cleared below).
            try tx.recordLoginFailure(
                accountID: attempt.accountID, email: attempt.email, clientAddress: attempt.client, now: attempt.now)
            return true
        }
        guard admitted else {
            var page = signInPage(
                context: context, returnTo: returnTo, request: request, status: 429,
                error: "Too many failed attempts. Please wait 15 minutes and try again.", email: attempt.email)
            page.headers.append(("Retry-After", String(Int(Self.rateLimitWindow))))
            return page
        }
        // One answer for every failure, so none tells which check failed.
        func wrongPassword() -> HTTPResponse {
            signInPage(
                context: context, returnTo: returnTo, request: request, status: 401,
                error: "The email or password is not right.", email: attempt.email)
        }
        let user = try store.read { try $0.user(accountID: attempt.accountID, email: attempt.email) }
        // Hash even for unknown users so timing does not reveal which emails exist.
        let hash = user?.passwordHash ?? Self.decoyHash
        let passwordMatches = PasswordHasher.verify(password, against: hash) && user?.passwordHash != nil
        guard let user, passwordMatches, !user.disabled else {
            try store.write {
                try $0.appendLog(
                    accountID: attempt.accountID,
                    attempt.logEntry(.rejected, "wrong email or password, or the user is disabled", check: "password"))
            }
            return wrongPassword()
        }
        let samlForced = context.passwordsRestrictedToOwner
        if samlForced, user.role != .owner {
            try store.write {
                try $0.appendLog(
                    accountID: attempt.accountID,
                    attempt.logEntry(
                        .rejected,
                        "password sign-in refused: SAML sign-in is forced and \(user.email) is not the owner",
                        check: "force_saml", verifiedEmail: user.email))
            }
            return signInPage(
                context: context, returnTo: returnTo, request: request, status: 403,
                error: "This account requires single sign-on. Use \u{201C}Sign in with SSO\u{201D}.",
                email: attempt.email)
        }
        let token = SecureRandom.token()
        let expiry = attempt.now.addingTimeInterval(TimeInterval(context.settings.sessionLifetime))
        let signedIn = try store.write { tx -> Bool in
            // Checked again where the session is made: the user may have been disabled or removed (on any
            // node) while the password was hashed.
            guard let current = try tx.user(accountID: attempt.accountID, email: attempt.email),
                current.id == user.id, !current.disabled, current.passwordHash == user.passwordHash
            else {
                try tx.appendLog(
                    accountID: attempt.accountID,
                    attempt.logEntry(
                        .rejected, "the user was disabled, removed or given another password during the sign-in",
                        check: "password", verifiedEmail: user.email))
                return false
            }
            try tx.createSession(
                accountID: attempt.accountID, userID: user.id, token: token, authMethod: .password,
                createdAt: attempt.now, expiresAt: expiry)
            try tx.clearLoginFailures(accountID: attempt.accountID, email: attempt.email, clientAddress: attempt.client)
            try tx.appendLog(
                accountID: attempt.accountID,
                attempt.logEntry(.accepted, "signed in with a password", verifiedEmail: user.email))
            try pruneIfDue(tx, now: attempt.now)
            return true
        }
        guard signedIn else { return wrongPassword() }
        let cookie = Cookies.setCookie(
            name: context.cookieName, value: token, maxAge: context.settings.sessionLifetime,
            secure: context.secureCookies)
        var response = HTTPResponse.redirect(
            303, to: returnTo ?? ReturnPath.home(baseURL: context.account.baseURL), headers: [("Set-Cookie", cookie)])
        response.logMetadata = ["outcome": "accepted", "email": user.email, "reference": attempt.reference]
        return response
    }

    /// A valid scrypt hash of a random password, verified against when the user does not exist.
    static let decoyHash = PasswordHasher().hash(SecureRandom.token())
}
