import Foundation
import HTTP
import SAML
import Store

extension SSOGateway {
    /// Writes a rejected SAML attempt to the account's sign-in log (its own short transaction).
    func logRejection(_ context: AccountContext, _ rejection: Rejection, reference: String, request: HTTPRequest) throws
    {
        let entry = logEntry(for: rejection, reference: reference, request: request)
        try write(confirming: context) { try $0.appendLog(accountID: context.account.id, entry) }
    }

    func logEntry(for rejection: Rejection, reference: String, request: HTTPRequest) -> SignInLogEntry {
        let now = clock()
        return SignInLogEntry(
            time: now, outcome: .rejected, method: .saml, email: rejection.claimedIdentity,
            identityVerified: rejection.identityVerified, reason: "\(rejection.check.rawValue): \(rejection.reason)",
            reference: reference,
            failedCheck: rejection.check.rawValue, expected: rejection.expected, actual: rejection.actual,
            clockOffset: rejection.issueInstant.map { Int(now.timeIntervalSince($0).rounded()) },
            clientAddress: request.remoteAddress)
    }

    /// The hint for an admin reading `entry` on the settings page: where in the account's IdP a refused
    /// sign-in is fixed, from the settings as they are now (so rows of any age get one).
    ///
    /// Only for the admin's log: ``rejectionPage(_:reference:context:)`` never shows one, as the browser
    /// must not learn how the account is set up.
    static func hint(for entry: SignInLogEntry, context: AccountContext) -> SignInHint? {
        guard entry.event == .signIn, entry.outcome == .rejected else { return nil }
        return SignInHint(
            failedCheck: entry.failedCheck, reason: entry.reason, expected: entry.expected, actual: entry.actual,
            idpEntityID: context.settings.idpEntityID, ssoURL: context.settings.ssoURL, provider: context.provider)
    }

    /// The browser's page for a rejected SAML response: short, with the reference; no internals.
    func rejectionPage(_ rejection: Rejection, reference: String, context: AccountContext) -> HTTPResponse {
        let message: String
        switch rejection.check {
        case .user:
            message = rejection.reason
        case .emailDomain, .group:
            message =
                "Your identity provider vouched for you, but \(context.account.name) does not let this account sign in "
                + "here; ask your administrator."
        case .notBefore, .notOnOrAfter:
            message =
                "The sign-in message from your identity provider has expired or is not valid yet. Please try again."
        case .replay, .inResponseTo:
            message = "This sign-in link was already used or has expired. Please sign in again."
        case .disabled:
            message = "Single sign-on is not enabled for \(context.account.name)."
        default:
            message = "The sign-in message from your identity provider could not be accepted."
        }
        return pages.error(
            status: rejection.isMalformed ? 400 : 403, title: "Sign-in failed", message: message, reference: reference,
            retryURL: context.provider.loginURL
        ).with(outcome: "rejected", reference: reference)
    }
}
