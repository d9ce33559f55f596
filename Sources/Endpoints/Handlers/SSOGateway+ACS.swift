import Credentials
import Foundation
import HTTP
import SAML
import Store

extension SSOGateway {
    /// `POST …/acs`: the Post-back URL. Validates the SAMLResponse, then — in one transaction —
    /// consumes the request ID, records the assertion ID, finds the user, creates the session and
    /// logs the attempt, so concurrent posts of one assertion make exactly one session.
    ///
    /// Every write here goes through ``write(confirming:_:)``: the post-back may have been validated
    /// with cached settings that a save has since replaced. Every path ends in such a write.
    func acs(_ request: HTTPRequest, context: AccountContext) throws -> HTTPResponse {
        let reference = ReferenceID.make()
        let now = clock()
        func reject(_ rejection: Rejection) throws -> HTTPResponse {
            try logRejection(context, rejection, reference: reference, request: request)
            return rejectionPage(rejection, reference: reference, context: context)
        }
        let contentType = request.headers["content-type"]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return try reject(
                Rejection(
                    .missingResponse,
                    "the POST is not a form (Content-Type \(contentType.isEmpty ? "missing" : contentType))"))
        }
        let form = FormData(urlEncoded: request.body)
        guard form.count("SAMLResponse") <= 1 else {
            return try reject(Rejection(.missingResponse, "the POST carries SAMLResponse more than once"))
        }
        guard context.settings.enabled else {
            return try reject(Rejection(.disabled, "SAML sign-in is not enabled for this account"))
        }
        guard let validator = context.validator else {
            return try reject(Rejection(.disabled, context.validatorProblem ?? "SAML is not configured"))
        }
        let verified: VerifiedResponse
        switch validator.verify(samlResponse: form.single("SAMLResponse"), now: now) {
        case .failure(let rejection): return try reject(rejection)
        case .success(let response): verified = response
        }
        let relayState = form.single("RelayState")
        let token = SecureRandom.token()
        let outcome: Result<(AcceptedResponse, User), Rejection> = try write(confirming: context) { tx in
            let result = try validator.complete(
                verified, ledger: StoreLedger(transaction: tx, accountID: context.account.id), now: now)
            let final: Result<(AcceptedResponse, User), Rejection>
            switch result {
            case .failure(let rejection):
                final = .failure(rejection)
            case .success(let accepted):
                final = try signIn(accepted, context: context, token: token, now: now, transaction: tx)
            }
            switch final {
            case .failure(let rejection):
                try tx.appendLog(
                    accountID: context.account.id, logEntry(for: rejection, reference: reference, request: request))
            case .success(let (accepted, user)):
                try tx.appendLog(
                    accountID: context.account.id,
                    SignInLogEntry(
                        time: now, outcome: .accepted, method: .saml, email: user.email, identityVerified: true,
                        reason: accepted.spInitiated ? "signed in (SP-initiated)" : "signed in (IdP-initiated)",
                        reference: reference,
                        clockOffset: verified.issueInstant.map { Int(now.timeIntervalSince($0).rounded()) },
                        clientAddress: request.remoteAddress))
            }
            try pruneIfDue(tx, now: now)
            return final
        }
        switch outcome {
        case .failure(let rejection):
            return rejectionPage(rejection, reference: reference, context: context)
        case .success(let (accepted, user)):
            let target: String
            if accepted.spInitiated {
                target =
                    ReturnPath.resolve(accepted.storedReturnPath, baseURL: context.account.baseURL)
                    ?? ReturnPath.home(baseURL: context.account.baseURL)
            } else {
                target =
                    ReturnPath.resolve(relayState, baseURL: context.account.baseURL)
                    ?? ReturnPath.home(baseURL: context.account.baseURL)
            }
            let maxAge = Int(verified.sessionExpiry.timeIntervalSince(now))
            var response = HTTPResponse.redirect(
                303, to: target,
                headers: [
                    (
                        "Set-Cookie",
                        Cookies.setCookie(
                            name: context.cookieName, value: token, maxAge: maxAge, secure: context.secureCookies)
                    )
                ])
            response.logMetadata = ["outcome": "accepted", "reference": reference, "email": user.email]
            return response
        }
    }

    /// Rule 10's store part: the user must exist and be enabled (no provisioning); names are updated.
    private func signIn(
        _ accepted: AcceptedResponse, context: AccountContext, token: String, now: Date,
        transaction tx: StoreTransaction
    ) throws -> Result<(AcceptedResponse, User), Rejection> {
        let response = accepted.response
        func refuse(_ reason: String) -> Result<(AcceptedResponse, User), Rejection> {
            var rejection = Rejection(.user, reason, actual: response.identity)
            rejection.claimedIdentity = response.identity
            rejection.identityVerified = true
            rejection.issueInstant = response.issueInstant
            return .failure(rejection)
        }
        guard let user = try tx.user(accountID: context.account.id, email: response.identity) else {
            return refuse(
                "There is no user \(response.identity) in \(context.account.name); ask your administrator to add you.")
        }
        guard !user.disabled else {
            return refuse("The user \(user.email) is disabled in \(context.account.name).")
        }
        // Only when a name changed: most sign-ins bring the names the user already has, and on PostgreSQL
        // every statement is a round trip.
        if response.givenName.map({ $0 != user.givenName }) == true
            || response.familyName.map({ $0 != user.familyName }) == true
        {
            try tx.updateNames(userID: user.id, givenName: response.givenName, familyName: response.familyName)
        }
        try tx.createSession(
            accountID: context.account.id, userID: user.id, token: token, authMethod: .saml, createdAt: now,
            expiresAt: response.sessionExpiry, subject: SAMLSubject(response))
        return .success((accepted, user))
    }
}
