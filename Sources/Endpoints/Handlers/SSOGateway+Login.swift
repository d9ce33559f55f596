import Credentials
import Foundation
import HTTP
import SAML
import Store
import XMLSecurity

extension SSOGateway {
    /// `GET …/login?return_to=PATH[&password=1]`: SP-initiated SSO, or the password page.
    ///
    /// The RelayState sent to the IdP is an opaque random token naming the stored request (its ID and
    /// return path): the POST-back is matched without any cookie, which cross-site POSTs would drop.
    func login(_ request: HTTPRequest, context: AccountContext) throws -> HTTPResponse {
        let query = FormData(urlEncoded: request.query)
        let returnTo = ReturnPath.resolve(query.single("return_to"), baseURL: context.account.baseURL)
        let wantsPassword = query.single("password") == "1"
        if context.samlReady, !wantsPassword, let ssoURL = context.settings.ssoURL {
            let now = clock()
            let authnRequest = AuthnRequest(provider: context.provider, ssoURL: ssoURL, now: now)
            let relayToken = SecureRandom.token()
            // Built before anything is stored: a request that cannot be signed or sent leaves no trace.
            let (response, sendable) = outgoing(authnRequest, relayState: relayToken, context: context)
            guard sendable else { return response }
            try store.write { tx in
                try tx.rememberRequest(
                    accountID: context.account.id, requestID: authnRequest.id, relayToken: relayToken,
                    returnTo: returnTo,
                    createdAt: now, expiresAt: now.addingTimeInterval(Self.requestLifetime))
                try pruneIfDue(tx, now: now)
            }
            return response
        }
        return signInPage(context: context, returnTo: returnTo, request: request)
    }

    /// The answer that carries `authnRequest` to the IdP in the account's binding, signed when
    /// `sign_requests` is on (`sendable` true); or a refusal page when it should be signed and the
    /// account's active SP key cannot be used (sending it unsigned would only fail at the IdP, with a
    /// less helpful message).
    private func outgoing(
        _ authnRequest: AuthnRequest, relayState: String, context: AccountContext
    ) -> (response: HTTPResponse, sendable: Bool) {
        switch carry(
            xml: authnRequest.xml, as: .request, to: authnRequest.destination,
            binding: context.settings.requestBinding, relayState: relayState, signed: context.settings.signRequests,
            heading: "Continuing to sign-in…", context: context)
        {
        case .success(let response): return (response.with(outcome: "authn_request"), true)
        case .failure(let failure): return (signingUnavailable(context, detail: failure.detail), false)
        }
    }

    /// 503 with a reference: SSO cannot start because the request cannot be signed (or built); the log
    /// names the cause — usually the secret file, or an account without an active SP key.
    private func signingUnavailable(_ context: AccountContext, detail: String? = nil) -> HTTPResponse {
        let reference = ReferenceID.make()
        var response = pages.error(
            status: 503, title: "Sign-in unavailable",
            message: "Single sign-on cannot start right now. Please give your administrator this reference.",
            reference: reference)
        let cause =
            detail ?? context.keys.problem
            ?? "the account has no active SP key to sign AuthnRequests with (run samlgate init)"
        response.logMetadata = [
            "account": context.account.slug, "outcome": "sp_key_unavailable", "reference": reference, "error": cause,
        ]
        return response
    }

    /// The password sign-in page (with a "Sign in with SSO" button when SAML is on).
    func signInPage(
        context: AccountContext, returnTo: String?, request: HTTPRequest, status: Int = 200, error: String? = nil,
        email: String? = nil
    ) -> HTTPResponse {
        let csrf = Cookies.value(named: csrfCookieName(context), in: request.headers["cookie"]) ?? SecureRandom.token()
        var values: [String: Any] = [
            "title": "Sign in", "accountName": context.account.name, "formAction": context.provider.loginURL,
            "csrfToken": csrf, "returnTo": returnTo ?? "", "showPassword": true, "email": email ?? "",
            "forced": context.samlReady && context.settings.forceSAML,
        ]
        if context.samlReady {
            var sso = context.provider.loginURL
            if let returnTo { sso += "?return_to=" + URLEncoding.queryValue(returnTo) }
            values["ssoURL"] = sso
        } else if context.settings.enabled {
            values["notice"] = "Single sign-on is enabled but not fully configured; ask your administrator."
        }
        if let error { values["error"] = error }
        let cookie = Cookies.setCookie(
            name: csrfCookieName(context), value: csrf, maxAge: 3600, secure: context.secureCookies)
        return pages.page("signIn", status: status, values: values, extraHeaders: [("Set-Cookie", cookie)])
            .with(outcome: error == nil ? "sign_in_page" : "rejected")
    }

    func csrfCookieName(_ context: AccountContext) -> String { "samlgate_csrf_\(context.account.slug)" }
}
