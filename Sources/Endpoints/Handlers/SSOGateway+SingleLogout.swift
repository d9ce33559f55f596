import Foundation
import Admin
import HTTP
import SAML
import Store

extension SSOGateway {
    /// `GET|POST …/slo`: a LogoutRequest from the IdP (end that user's sessions, answer with a signed
    /// LogoutResponse in the binding it came by), or the IdP's LogoutResponse to ours (log it, land on
    /// `…/signed-out`).
    ///
    /// Only a message signed by a configured IdP certificate is acted on (``LogoutValidator``). A
    /// refused LogoutRequest ends nothing and gets a 403 page with a reference; a refused LogoutResponse
    /// still lands on `…/signed-out`, since our session ended before the browser went to the IdP. Every
    /// message, accepted or not, gets a log row.
    func singleLogout(_ request: HTTPRequest, context: AccountContext) throws -> HTTPResponse {
        let now = clock()
        let reference = ReferenceID.make()
        let form = request.method == "POST" ? FormData(urlEncoded: request.body) : nil
        let answersOurs =
            form.map { $0.single("SAMLResponse") != nil }
            ?? ((try? RedirectQuery(query: request.query))?.parameter == .response)
        guard let validator = context.validator else {
            let rejection = Rejection(
                .disabled, "a Single Logout message arrived, but \(context.validatorProblem ?? "")")
            return try refuse(
                rejection, answersOurs: answersOurs, reference: reference, request: request, context: context)
        }
        let logout = LogoutValidator(validator)
        let verified =
            if let form {
                logout.verify(
                    postedRequest: form.single("SAMLRequest"), postedResponse: form.single("SAMLResponse"),
                    relayState: form.single("RelayState"), now: now)
            } else {
                logout.verify(redirectQuery: request.query, now: now)
            }
        switch verified {
        case .failure(let rejection):
            return try refuse(
                rejection, answersOurs: answersOurs, reference: reference, request: request, context: context)
        case .success(let message):
            switch message.content {
            case .response(let response):
                return try logoutResponseArrived(response, reference: reference, request: request, context: context)
            case .request(let logoutRequest):
                return try logoutRequestArrived(
                    logoutRequest, message: message, reference: reference, request: request, context: context)
            }
        }
    }

    /// The IdP answered our LogoutRequest: consume the request it names (once) and log what it said.
    private func logoutResponseArrived(
        _ response: VerifiedLogoutResponse, reference: String, request: HTTPRequest, context: AccountContext
    ) throws -> HTTPResponse {
        let now = clock()
        return try write(confirming: context) { tx in
            guard
                let email = try tx.consumeLogoutRequest(
                    accountID: context.account.id, requestID: response.inResponseTo, now: now)
            else {
                let rejection = Rejection(
                    .inResponseTo,
                    "the LogoutResponse answers no pending LogoutRequest of ours (unknown, answered "
                        + "already, or expired)", actual: response.inResponseTo)
                try tx.appendLog(accountID: context.account.id, signOutEntry(rejection, reference, request))
                return HTTPResponse.redirect(303, to: context.provider.signedOutURL)
                    .with(outcome: "logout_response_rejected", reference: reference)
            }
            let reason =
                response.succeeded
                ? "the IdP confirmed the sign-out (\(response.status))"
                : "the IdP did not confirm the sign-out: \(response.status)"
            try tx.appendLog(
                accountID: context.account.id,
                SignInLogEntry(
                    time: now, outcome: response.succeeded ? .accepted : .rejected, method: .saml, email: email,
                    identityVerified: true, reason: reason, reference: reference,
                    failedCheck: response.succeeded ? nil : ValidationCheck.status.rawValue,
                    clientAddress: request.remoteAddress, event: .signOut))
            return HTTPResponse.redirect(303, to: context.provider.signedOutURL)
                .with(outcome: response.succeeded ? "logout_confirmed" : "logout_failed_at_idp", reference: reference)
        }
    }

    /// The IdP asks us to end a user's sessions: the ID is recorded first (a replay ends nothing), then
    /// the sessions go, in one transaction, and a signed LogoutResponse goes back to the IdP.
    private func logoutRequestArrived(
        _ logoutRequest: VerifiedLogoutRequest, message: LogoutMessage, reference: String, request: HTTPRequest,
        context: AccountContext
    ) throws -> HTTPResponse {
        let now = clock()
        let ended: [String]? = try write(confirming: context) { tx in
            guard
                try tx.recordLogoutRequest(
                    accountID: context.account.id, requestID: logoutRequest.id, keepUntil: logoutRequest.replayKeepUntil
                )
            else {
                let rejection = Rejection(
                    .replay, "this LogoutRequest was received before", actual: logoutRequest.id)
                try tx.appendLog(accountID: context.account.id, signOutEntry(rejection, reference, request))
                return nil
            }
            let emails = try tx.endSessions(
                accountID: context.account.id, nameID: logoutRequest.nameID.value, format: logoutRequest.nameID.format,
                sessionIndexes: logoutRequest.sessionIndexes)
            let scope =
                logoutRequest.sessionIndexes.isEmpty
                ? "every session" : "SessionIndex \(logoutRequest.sessionIndexes.joined(separator: ", "))"
            try tx.appendLog(
                accountID: context.account.id,
                SignInLogEntry(
                    time: now, outcome: .accepted, method: .saml, email: emails.first ?? logoutRequest.nameID.value,
                    identityVerified: true,
                    reason: "the IdP's LogoutRequest \(logoutRequest.id) (\(scope) of \(logoutRequest.nameID.value)) "
                        + "ended \(emails.count) session(s)",
                    reference: reference, clientAddress: request.remoteAddress, event: .signOut))
            return emails
        }
        guard let ended else {
            return pages.error(
                status: 403, title: "Sign-out refused",
                message: "This sign-out request was already used. Nothing was changed.", reference: reference
            ).with(outcome: "logout_request_rejected", reference: reference)
        }
        let cookies = logoutCookies(context)
        guard let destination = context.settings.sloResponseURL ?? context.settings.sloURL else {
            var page = signedOutPage(context: context)
            page.headers += cookies
            page.logMetadata["error"] = "no IdP Single Logout URL is configured to answer to"
            return page.with(outcome: "logout_request_unanswered", reference: reference)
        }
        let answer = LogoutResponse(
            provider: context.provider, destination: destination, inResponseTo: logoutRequest.id, outcome: .success,
            now: now)
        switch carry(
            xml: answer.xml, as: .response, to: destination, binding: SAMLSettings.RequestBinding(message.binding),
            relayState: message.relayState, signed: true, heading: "Signing out…", context: context)
        {
        case .success(var response):
            response.headers += cookies
            response.logMetadata["ended"] = String(ended.count)
            return response.with(outcome: "logout_request", reference: reference)
        case .failure(let failure):
            var page = signedOutPage(context: context)
            page.headers += cookies
            page.logMetadata["error"] =
                "the LogoutResponse could not be signed: \(failure.detail ?? context.keys.problem ?? "no active SP key")"
            return page.with(outcome: "logout_request_unanswered", reference: reference)
        }
    }

    /// A refused Single Logout message: logged; a LogoutRequest gets a 403 page (nothing ended), the
    /// answer to ours lands on `…/signed-out` (our session ended before the browser left).
    private func refuse(
        _ rejection: Rejection, answersOurs: Bool, reference: String, request: HTTPRequest, context: AccountContext
    ) throws -> HTTPResponse {
        try write(confirming: context) { tx in
            try tx.appendLog(accountID: context.account.id, signOutEntry(rejection, reference, request))
        }
        if answersOurs {
            return HTTPResponse.redirect(303, to: context.provider.signedOutURL)
                .with(outcome: "logout_response_rejected", reference: reference)
        }
        return pages.error(
            status: rejection.isMalformed ? 400 : 403, title: "Sign-out refused",
            message: "This sign-out request could not be verified. Nothing was changed.", reference: reference
        ).with(outcome: "logout_request_rejected", reference: reference)
    }

    /// The log row of a refused Single Logout message.
    private func signOutEntry(_ rejection: Rejection, _ reference: String, _ request: HTTPRequest) -> SignInLogEntry {
        var entry = logEntry(for: rejection, reference: reference, request: request)
        entry.event = .signOut
        return entry
    }
}
