import Credentials
import Foundation
import HTTP
import SAML
import Store

extension SSOGateway {
    /// An accepted sign-in: the response, the user, and notes for its log line (a role the admin groups
    /// changed, groups left out of the session).
    typealias SignIn = (accepted: AcceptedResponse, user: User, notes: [String])

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
        let outcome: Result<SignIn, Rejection> = try write(confirming: context) { tx in
            let result = try validator.complete(
                verified, ledger: StoreLedger(transaction: tx, accountID: context.account.id), now: now)
            let final: Result<SignIn, Rejection>
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
            case .success(let (accepted, user, notes)):
                let how = accepted.spInitiated ? "signed in (SP-initiated)" : "signed in (IdP-initiated)"
                try tx.appendLog(
                    accountID: context.account.id,
                    SignInLogEntry(
                        time: now, outcome: .accepted, method: .saml, email: user.email, identityVerified: true,
                        reason: ([how] + notes).joined(separator: "; "),
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
        case .success(let (accepted, user, _)):
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

    /// Rule 10's store part and the identity rules: the identity's domain must be allowed, the user must
    /// exist and be enabled (no provisioning) and be in a required group; names are updated, and the admin
    /// groups set the role (never the owner's).
    private func signIn(
        _ accepted: AcceptedResponse, context: AccountContext, token: String, now: Date,
        transaction tx: StoreTransaction
    ) throws -> Result<SignIn, Rejection> {
        let response = accepted.response
        func refuse(_ rejection: Rejection) -> Result<SignIn, Rejection> {
            var rejection = rejection
            rejection.claimedIdentity = response.identity
            rejection.identityVerified = true
            rejection.issueInstant = response.issueInstant
            return .failure(rejection)
        }
        do throws(Rejection) {
            try context.rules.checkDomain(of: response.identity)
        } catch {
            return refuse(error)
        }
        guard let user = try tx.user(accountID: context.account.id, email: response.identity) else {
            return refuse(
                Rejection(
                    .user,
                    "There is no user \(response.identity) in \(context.account.name); ask your administrator to add you.",
                    actual: Self.unknownUserDetail(response)))
        }
        guard !user.disabled else {
            return refuse(
                Rejection(.user, "The user \(user.email) is disabled in \(context.account.name).", actual: user.email))
        }
        do throws(Rejection) {
            try context.rules.checkGroups(of: response)
        } catch {
            return refuse(error)
        }
        var notes: [String] = []
        if user.role != .owner, let admin = context.rules.grantsAdmin(response) {
            let role: Role = admin ? .admin : .user
            if role != user.role {
                try tx.setRole(userID: user.id, role: role)
                notes.append("role \(user.role.rawValue) → \(role.rawValue) by the admin groups")
            }
        }
        // Only when a name changed: most sign-ins bring the names the user already has, and on PostgreSQL
        // every statement is a round trip.
        if response.givenName.map({ $0 != user.givenName }) == true
            || response.familyName.map({ $0 != user.familyName }) == true
        {
            try tx.updateNames(userID: user.id, givenName: response.givenName, familyName: response.familyName)
        }
        let groups = response.groups.map(GroupList.bounded)
        if let omitted = groups?.omitted, omitted > 0 {
            notes.append(
                "\(omitted) of \(response.groups?.count ?? 0) groups left out of X-Samlgate-Groups (over its size limit)"
            )
        }
        try tx.createSession(
            accountID: context.account.id, userID: user.id, token: token, authMethod: .saml, createdAt: now,
            expiresAt: response.sessionExpiry, subject: SAMLSubject(response), groups: groups?.list)
        return .success((accepted, user, notes))
    }

    /// What the log says of an identity no user has: the identity, the NameID's format and the attributes
    /// that did arrive, so the admin sees whether the IdP sends a transient NameID or the email under a name
    /// samlgate does not know.
    static func unknownUserDetail(_ response: VerifiedResponse) -> String {
        let format = response.nameIdentifier.format.map { format in
            format.split(separator: ":").last.map(String.init) ?? format
        }
        let names = response.receivedAttributes.prefix(12)
        let attributes =
            names.isEmpty
            ? "no attributes received"
            : "attributes received: " + names.joined(separator: ", ")
                + (response.receivedAttributes.count > names.count ? ", …" : "")
        return "\(response.identity); NameID is \(format ?? "of no stated format"); \(attributes)"
    }
}
