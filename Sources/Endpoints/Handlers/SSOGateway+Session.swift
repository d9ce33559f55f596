import Foundation
import HTTP
import SAML
import Store

extension SSOGateway {
    /// The session behind the request's cookie for `context`, if valid.
    func currentSession(_ request: HTTPRequest, context: AccountContext) throws -> SessionIdentity? {
        try store.read { try currentSession(request, context: context, transaction: $0) }
    }

    /// As ``currentSession(_:context:)``, inside a read the caller already holds.
    func currentSession(_ request: HTTPRequest, context: AccountContext, transaction: StoreTransaction) throws
        -> SessionIdentity?
    {
        guard let token = Cookies.value(named: context.cookieName, in: request.headers["cookie"]), token.count <= 128
        else {
            return nil
        }
        guard let (user, session) = try transaction.session(accountID: context.account.id, token: token, now: clock())
        else { return nil }
        return SessionIdentity(account: context.account, user: user, session: session)
    }

    /// `…/auth`, the check nginx makes before every protected request, with that request's method:
    /// account and session are read in one database round trip.
    ///
    /// A 401 names where to sign in, `X-Samlgate-Sign-In`, so the web server can redirect there without
    /// building a URL from the request itself (nginx `error_page 401 =302 $samlgate_sign_in`). The page to
    /// come back to is the protected request's target, which nginx passes as `SAMLGATE_ORIGINAL_URI`
    /// (`$request_uri`: inside the sub-request, the protected request's, still percent-encoded).
    func authCheck(_ request: HTTPRequest, slug: String) throws -> HTTPResponse {
        guard let (context, identity) = try signedIn(request, slug: slug) else { return notFound() }
        var response: HTTPResponse
        if let identity {
            response = auth(identity)
        } else {
            let signIn = signInURL(context, returningTo: request.parameters["SAMLGATE_ORIGINAL_URI"])
            response = HTTPResponse(
                status: 401, headers: [("X-Samlgate-Sign-In", signIn), ("Cache-Control", "no-store")]
            ).with(outcome: "anonymous")
        }
        response.logMetadata["account"] = context.account.slug
        return response
    }

    /// `{base_url}/sso/{slug}/login`, with `return_to` naming `target` when there is one to keep.
    func signInURL(_ context: AccountContext, returningTo target: String?) -> String {
        guard let value = Self.returnToValue(target) else { return context.provider.loginURL }
        return context.provider.loginURL + "?return_to=" + value
    }

    /// `target` (a request's path and query as the client sent them) as one percent-encoded query value;
    /// nil when it is empty or longer than a return path may be (the sign-in page would drop it).
    ///
    /// Everything but RFC 3986 unreserved characters is encoded, `%` included, so no byte of the request
    /// (CR, LF, space, `&`) survives into a header or splits the query; `…/login` decodes it once and
    /// checks it (``ReturnPath``), so the browser comes back to exactly the target it asked for.
    static func returnToValue(_ target: String?) -> String? {
        guard let target, !target.isEmpty, target.utf8.count <= ReturnPath.maximumLength else { return nil }
        return URLEncoding.queryValue(target)
    }

    /// The account (`slug`, or the only account when nil) and the request's session, in one read:
    /// the checks made before every protected request (nginx `auth`, the Authorizer role) share it.
    func signedIn(_ request: HTTPRequest, slug: String?) throws -> (AccountContext, SessionIdentity?)? {
        try store.read { tx in
            let context =
                try slug.map { try directory.context(slug: $0, transaction: tx) }
                ?? directory.onlyAccount(transaction: tx)
            guard let context else { return nil }
            return (context, try currentSession(request, context: context, transaction: tx))
        }
    }

    private func auth(_ identity: SessionIdentity) -> HTTPResponse {
        let headers = identity.fields.map { (name: $0.header, value: HeaderValue.sanitized($0.value)) }
        var response = HTTPResponse(status: 204, headers: headers + [("Cache-Control", "no-store")])
        response.logMetadata = ["outcome": "authenticated", "email": identity.user.email]
        return response
    }

    /// The FastCGI Authorizer role (Apache `FcgidAccessChecker`): 200 with `Variable-SAMLGATE_*` lets the
    /// request through with the identity in the app's environment; otherwise a redirect to sign in.
    ///
    /// The redirect is what the FastCGI specification has the web server pass on. mod_fcgid answers 401
    /// instead and keeps only the headers, so `X-Samlgate-Return-To` carries the encoded return path for
    /// its `ErrorDocument 401` page (`%{resp:X-Samlgate-Return-To}`; empty when there is none to keep).
    func authorize(_ request: HTTPRequest) throws -> HTTPResponse {
        let named = request.parameters["SAMLGATE_ACCOUNT"].flatMap { $0.isEmpty ? nil : $0 }
        guard let (context, identity) = try signedIn(request, slug: named) else {
            return pages.error(
                status: 403, title: "Not configured", message: "No samlgate account protects this address."
            )
            .with(outcome: "no_account")
        }
        if let identity {
            let headers = identity.fields.map {
                (name: "Variable-\($0.variable)", value: HeaderValue.sanitized($0.value))
            }
            var response = HTTPResponse(status: 200, headers: headers)
            response.logMetadata = [
                "outcome": "authorized", "email": identity.user.email, "account": context.account.slug,
            ]
            return response
        }
        var target = request.path
        if !request.query.isEmpty { target += "?" + request.query }
        var response = HTTPResponse.redirect(
            302, to: signInURL(context, returningTo: target),
            headers: [("X-Samlgate-Return-To", Self.returnToValue(target) ?? "")])
        response.logMetadata = ["outcome": "anonymous", "account": context.account.slug]
        return response
    }
}
