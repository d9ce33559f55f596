import Foundation

/// The store operations the last two ACS rules need, behind a small protocol so the SAML module
/// stays free of storage and tests can supply their own.
///
/// Both must be atomic (a single SQL statement each): the responder runs them, with the session
/// insert, in one transaction, so two concurrent posts of one assertion make one session.
public protocol RequestLedger {
    /// Marks our AuthnRequest `requestID` used and returns it, or nil when it is unknown, expired or
    /// already used.
    func consumeRequest(id requestID: String, now: Date) throws -> ConsumedRequest?

    /// Remembers `assertionID` until `keepUntil`; false when it was already remembered (a replay).
    func recordAssertion(id assertionID: String, keepUntil: Date) throws -> Bool
}

/// A response that passed every rule: who signed in and where to send them.
public struct AcceptedResponse: Sendable, Hashable {
    /// The verified response.
    public let response: VerifiedResponse
    /// For an SP-initiated sign-in, the return path stored with the request (nil for none or IdP-initiated).
    public let storedReturnPath: String?
    /// Whether the sign-in was started by us (InResponseTo matched a request).
    public let spInitiated: Bool
}
