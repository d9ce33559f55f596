import Foundation
import HTTP
import SAML
import Store

extension SSOGateway {
    /// `GET …/logout`: a one-button "Sign out" page — what an application's own "log out" link points
    /// at — whose form carries the session-bound token that `POST …/logout` requires.
    func logoutPage(_ request: HTTPRequest, context: AccountContext) throws -> HTTPResponse {
        let token = Cookies.value(named: context.cookieName, in: request.headers["cookie"])
        var values: [String: Any] = [
            "title": "Sign out", "accountName": context.account.name, "formAction": context.provider.logoutURL,
            "signInURL": context.provider.loginURL,
        ]
        if let token, let identity = try currentSession(request, context: context) {
            values["email"] = identity.user.email
            values["csrfToken"] = SessionCSRF.token(forSession: token, purpose: .logout)
        }
        return pages.page("signOut", status: 200, values: values, formRedirectOrigin: sloOrigin(context))
            .with(outcome: "sign_out_page")
    }

    /// `POST …/logout`: ends the session at once, expires samlgate's cookie and the application's
    /// (`app_logout_cookies`), then — for a SAML session when the IdP has a Single Logout URL — sends
    /// the browser to the IdP with a signed LogoutRequest; otherwise to `…/signed-out`.
    ///
    /// A live session ends only with its own sign-out token (from `GET …/logout` or the settings page):
    /// otherwise any site could sign a user out with a hidden form. A cookie naming no live session is
    /// simply cleared. Whatever the IdP does next, the local session is already gone.
    func logout(_ request: HTTPRequest, context: AccountContext) throws -> HTTPResponse {
        let cookies = logoutCookies(context)
        guard let token = Cookies.value(named: context.cookieName, in: request.headers["cookie"]),
            try currentSession(request, context: context) != nil
        else {
            return HTTPResponse.redirect(303, to: context.provider.signedOutURL, headers: cookies)
                .with(outcome: "signed_out")
        }
        let posted = FormData(urlEncoded: request.body).single("csrf_token")
        guard SessionCSRF.matches(posted, expected: SessionCSRF.token(forSession: token, purpose: .logout)) else {
            return pages.error(
                status: 403, title: "Sign-out expired", message: "The sign-out form expired. Please try again.",
                retryURL: context.provider.logoutURL
            ).with(outcome: "csrf_rejected")
        }
        let now = clock()
        let reference = ReferenceID.make()
        return try write(confirming: context) { tx -> HTTPResponse in
            guard let ended = try tx.endSession(accountID: context.account.id, token: token) else {
                return HTTPResponse.redirect(303, to: context.provider.signedOutURL, headers: cookies)
                    .with(outcome: "signed_out")
            }
            let (response, reason) = singleLogoutStart(for: ended, context: context, now: now, transaction: tx)
            try tx.appendLog(
                accountID: context.account.id,
                SignInLogEntry(
                    time: now, outcome: .accepted, method: ended.authMethod, email: ended.email,
                    identityVerified: true, reason: reason, reference: reference,
                    clientAddress: request.remoteAddress, event: .signOut))
            var answer = response ?? HTTPResponse.redirect(303, to: context.provider.signedOutURL)
            answer.headers += cookies
            answer.logMetadata["email"] = ended.email
            return answer.with(outcome: response == nil ? "signed_out" : "logout_request", reference: reference)
        }
    }

    /// The redirect (or auto-posting page) that carries a signed LogoutRequest for `ended` to the IdP,
    /// with the request remembered for its LogoutResponse; nil when the sign-out stays local. The reason
    /// says which, for the log.
    private func singleLogoutStart(
        for ended: EndedSession, context: AccountContext, now: Date, transaction: StoreTransaction
    ) -> (HTTPResponse?, String) {
        guard ended.authMethod == .saml, let subject = ended.subject else {
            return (nil, "signed out (\(ended.authMethod.rawValue) session)")
        }
        guard let sloURL = context.settings.sloURL else {
            return (nil, "signed out here only: the IdP's Single Logout URL is not configured")
        }
        let logoutRequest = LogoutRequest(
            provider: context.provider, destination: sloURL, nameID: subject.nameIdentifier,
            sessionIndex: subject.sessionIndex, now: now)
        let carried = carry(
            xml: logoutRequest.xml, as: .request, to: sloURL, binding: context.settings.sloBinding, relayState: nil,
            signed: true, heading: "Signing out…", context: context)
        switch carried {
        case .failure(let failure):
            let cause = failure.detail ?? context.keys.problem ?? "the account has no active SP key"
            return (nil, "signed out here only: the LogoutRequest could not be signed (\(cause))")
        case .success(let response):
            do {
                try transaction.rememberLogoutRequest(
                    accountID: context.account.id, requestID: logoutRequest.id, email: ended.email, createdAt: now,
                    expiresAt: now.addingTimeInterval(Self.requestLifetime))
            } catch {
                return (nil, "signed out here only: the LogoutRequest could not be stored (\(error))")
            }
            return (response, "signed out; LogoutRequest \(logoutRequest.id) sent to \(sloURL)")
        }
    }

    /// The origin of the IdP's Single Logout URL, which a sign-out form's answer redirects to (see
    /// ``PageRenderer/page(_:status:values:extraHeaders:formRedirectOrigin:)``); nil without one.
    func sloOrigin(_ context: AccountContext) -> String? {
        context.settings.sloURL.flatMap(URLOrigin.of)
    }

    /// `Set-Cookie` headers expiring samlgate's session cookie and each of the application's
    /// `app_logout_cookies` (host-only, `Path=/`: the cookies an application behind the same origin sets).
    func logoutCookies(_ context: AccountContext) -> [(name: String, value: String)] {
        ([context.cookieName] + context.settings.appLogoutCookies).map { name in
            ("Set-Cookie", Cookies.setCookie(name: name, value: "", maxAge: 0, secure: context.secureCookies))
        }
    }

    /// `GET …/signed-out`: says so and offers "Sign in again"; never redirects by itself (with Force
    /// SAML that would sign the user straight back in through the IdP).
    func signedOutPage(context: AccountContext) -> HTTPResponse {
        pages.page(
            "signedOut", status: 200,
            values: [
                "title": "Signed out", "accountName": context.account.name, "signInURL": context.provider.loginURL,
            ]
        ).with(outcome: "signed_out_page")
    }
}
