import Foundation

/// A Response whose signature and stateless rules (ACS rules 1–8 except the request lookup, and 10)
/// passed; what remains is the stateful part: InResponseTo and replay (see ``ResponseValidator/complete(_:ledger:now:)``).
///
/// Every value here was read from the node the signature verified.
public struct VerifiedResponse: Sendable, Hashable {
    /// The Assertion's ID, the replay-cache key.
    public let assertionID: String
    /// The request this answers (from the signed SubjectConfirmationData, or the signed Response), or nil if unsolicited.
    public let inResponseTo: String?
    /// Until when the assertion ID must be remembered: its latest validity end plus the skew.
    public let replayKeepUntil: Date
    /// The identity to look up: the email attribute if sent, else the NameID (trimmed).
    public let identity: String
    /// The NameID, trimmed.
    public let nameID: String
    /// The NameID as sent, with its Format and qualifiers: a LogoutRequest names the user by it.
    public let nameIdentifier: NameIdentifier
    /// The email attribute, if sent.
    public let email: String?
    /// The given name attribute, if sent.
    public let givenName: String?
    /// The family name attribute, if sent.
    public let familyName: String?
    /// Every value of the group attribute, in order; nil when no group attribute was sent.
    public let groups: [String]?
    /// Whether Entra ID sent its group overage claim instead of the groups (a user in too many groups).
    public let groupOverage: Bool
    /// The common group attributes sent, when more than one was and the account names none; the identity
    /// rules then refuse, as "which one?" would be the IdP's (or a user's) choice.
    public let ambiguousGroupAttributes: [String]?
    /// The Names of the attributes received, each once, in order: when a user is unknown, the admin
    /// sees what the IdP sends.
    public let receivedAttributes: [String]
    /// The IdP's SessionIndex, if sent (for a later single logout).
    public let sessionIndex: String?
    /// When the session must end: now + lifetime, or the IdP's SessionNotOnOrAfter if earlier.
    public let sessionExpiry: Date
    /// The IssueInstant of the Response (or of the Assertion), for the clock difference in the log.
    public let issueInstant: Date?
    /// The Assertion's Issuer.
    public let issuer: String?
    /// Which element's signature was verified: the Assertion's, or the Response's.
    public let signedElement: SignedElement

    /// The element whose signature proved the message.
    public enum SignedElement: String, Sendable, Hashable {
        /// The Assertion itself was signed (and verified).
        case assertion
        /// Only the Response containing it was signed (and verified).
        case response
    }
}
