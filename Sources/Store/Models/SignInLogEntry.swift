import Foundation

/// One sign-in attempt, accepted or not, as admins read it on the settings page and in `samlgate log`.
public struct SignInLogEntry: Sendable, Hashable {
    /// Whether the attempt succeeded.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// A session was created.
        case accepted
        /// The attempt was refused; `reason` says why.
        case rejected
    }

    /// What happened: a sign-in, or a sign-out (sent to or received from the IdP, or local).
    public enum Event: String, Sendable, Hashable, Codable {
        /// A sign-in attempt.
        case signIn = "sign_in"
        /// A sign-out: ours, or a LogoutRequest or LogoutResponse from the IdP.
        case signOut = "sign_out"
    }

    /// When it happened.
    public var time: Date
    /// A sign-in or a sign-out.
    public var event: Event
    /// The outcome.
    public var outcome: Outcome
    /// How the user tried to sign in.
    public var method: SessionRecord.AuthMethod
    /// The identity, when one could be read: verified or only claimed, as ``identityVerified`` says.
    public var email: String?
    /// Whether ``email`` is an identity samlgate verified (a signed Assertion's, or the user's who
    /// signed in) rather than whatever an unverified message or a sign-in form claimed.
    public var identityVerified: Bool
    /// A human sentence: for a rejection, the check that failed.
    public var reason: String
    /// The reference id shown on the error page, so a user's report finds this row.
    public var reference: String
    /// Machine name of the failed check (e.g. `audience`), for rejections.
    public var failedCheck: String?
    /// The value the check expected.
    public var expected: String?
    /// The value the message carried.
    public var actual: String?
    /// Our clock minus the IdP's IssueInstant, in seconds, when known.
    public var clockOffset: Int?
    /// The client's address as the web server saw it.
    public var clientAddress: String?

    /// Creates a log entry.
    public init(
        time: Date, outcome: Outcome, method: SessionRecord.AuthMethod, email: String?, identityVerified: Bool,
        reason: String, reference: String, failedCheck: String? = nil, expected: String? = nil, actual: String? = nil,
        clockOffset: Int? = nil, clientAddress: String? = nil, event: Event = .signIn
    ) {
        self.time = time
        self.event = event
        self.outcome = outcome
        self.method = method
        self.email = email
        self.identityVerified = identityVerified
        self.reason = reason
        self.reference = reference
        self.failedCheck = failedCheck
        self.expected = expected
        self.actual = actual
        self.clockOffset = clockOffset
        self.clientAddress = clientAddress
    }

    /// The most characters a field keeps (ACS rule 12): a message is the sender's to make as long
    /// as the body limit allows, and the log must not grow by what an anonymous sender chooses.
    public static let fieldLimit = 512

    /// `value` cut to ``fieldLimit`` characters, the cut marked with `…`.
    static func bounded(_ value: String?) -> String? {
        guard let value, value.utf8.count > fieldLimit, value.count > fieldLimit else { return value }
        return String(value.prefix(fieldLimit - 1)) + "\u{2026}"
    }
}
