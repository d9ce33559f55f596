import Foundation

/// Why a SAMLResponse was refused: the check that failed, with what it expected and what it got.
///
/// Modelled on swift-certificates' policy failures: an expected negative outcome is a value, not a
/// crash or a bare error string, so the ACS endpoint can pick the status code, the sign-in log can
/// store `check`/`expected`/`actual`, and admins read a precise sentence.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failed check.
    public let check: ValidationCheck
    /// A sentence for admins (sign-in log, settings page, `samlgate log`).
    ///
    /// The browser's error page shows it only for a ``ValidationCheck/user`` refusal, whose reason names
    /// just the user's own identity and the account; every other check gets a generic sentence there.
    public let reason: String
    /// What the check expected, when there is one value to name.
    public let expected: String?
    /// What the message carried.
    public let actual: String?
    /// The Response's IssueInstant, when it could be read: the log shows the clock difference.
    public var issueInstant: Date?
    /// The identity the message claimed, when it could be read (for the log only).
    public var claimedIdentity: String?
    /// Whether ``claimedIdentity`` was read from the node whose signature verified: false for a
    /// message refused before (or at) its signature check, whose identity anyone could have written.
    public var identityVerified = false

    /// Creates a rejection.
    public init(_ check: ValidationCheck, _ reason: String, expected: String? = nil, actual: String? = nil) {
        self.check = check
        self.reason = reason
        self.expected = expected
        self.actual = actual
    }

    /// Whether the request itself was malformed (HTTP 400) rather than refused (HTTP 403).
    public var isMalformed: Bool { check.isMalformedInput }

    /// The reason, with expected and actual values when known.
    public var description: String {
        var text = reason
        if let expected {
            text += " (expected \(expected)" + (actual.map { ", got \($0)" } ?? "") + ")"
        } else if let actual {
            text += " (got \(actual))"
        }
        return text
    }
}
