import Foundation

extension ResponseValidator {
    /// Applies the stateful rules: InResponseTo names an unused request of ours (or IdP-initiated
    /// sign-in is allowed), and the Assertion ID has not been accepted before (rules 8 and 9).
    ///
    /// Run it inside the transaction that creates the session; the ledger's operations are atomic.
    public func complete(
        _ response: VerifiedResponse, ledger: some RequestLedger, now: Date
    ) throws -> Result<AcceptedResponse, Rejection> {
        var storedReturnPath: String?
        var spInitiated = false
        if let requestID = response.inResponseTo {
            guard let request = try ledger.consumeRequest(id: requestID, now: now) else {
                return .failure(
                    annotate(
                        Rejection(
                            .inResponseTo, "InResponseTo names no pending sign-in request (unknown, expired or used)",
                            actual: requestID), response))
            }
            storedReturnPath = request.returnPath
            spInitiated = true
        } else if !policy.allowIdPInitiated {
            return .failure(
                annotate(
                    Rejection(
                        .idpInitiated, "IdP-initiated sign-in is turned off for this account",
                        expected: "a response to our AuthnRequest", actual: "unsolicited response"), response))
        }
        guard try ledger.recordAssertion(id: response.assertionID, keepUntil: response.replayKeepUntil) else {
            return .failure(
                annotate(
                    Rejection(
                        .replay, "this Assertion was already used to sign in (replay)", actual: response.assertionID),
                    response))
        }
        return .success(
            AcceptedResponse(response: response, storedReturnPath: storedReturnPath, spInitiated: spInitiated))
    }

    private func annotate(_ rejection: Rejection, _ response: VerifiedResponse) -> Rejection {
        var annotated = rejection
        annotated.issueInstant = response.issueInstant
        annotated.claimedIdentity = response.identity
        annotated.identityVerified = true
        return annotated
    }
}
