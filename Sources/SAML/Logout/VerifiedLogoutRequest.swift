import Foundation

/// A LogoutRequest from the IdP whose signature and stateless checks passed; what remains is the
/// replay check (``replayKeepUntil``) and ending the sessions it names.
///
/// Every value was read from the message the signature covered.
public struct VerifiedLogoutRequest: Sendable, Hashable {
    /// The request ID: what our LogoutResponse names in InResponseTo, and the replay-cache key.
    public let id: String
    /// The IdP's entity ID.
    public let issuer: String
    /// The user whose sessions end.
    public let nameID: NameIdentifier
    /// The IdP sessions to end; empty means every session of ``nameID``.
    public let sessionIndexes: [String]
    /// Until when the ID must be remembered: the request's NotOnOrAfter (or its IssueInstant plus
    /// ``LogoutValidator/unboundedRequestLifetime``) plus the skew.
    public let replayKeepUntil: Date
}
