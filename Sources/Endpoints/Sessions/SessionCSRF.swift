import Credentials

/// CSRF tokens bound to the session: SHA-256 of a purpose label and the session token.
///
/// A cross-site page can read neither the session cookie nor a token derived from it, so it can
/// forge neither a settings save nor a sign-out; each form's token is good for its own purpose only.
enum SessionCSRF {
    /// What a token authorises.
    enum Purpose: String {
        /// Saving the Authentication settings.
        case settings
        /// Ending the session (`POST …/logout`).
        case logout
    }

    /// The token for `purpose` in the session whose cookie token is `session`.
    static func token(forSession session: String, purpose: Purpose) -> String {
        Base64URL.encode(Digests.sha256(Array("samlgate-\(purpose.rawValue)-csrf:\(session)".utf8)))
    }

    /// Whether `posted` is the expected token (compared in constant time).
    static func matches(_ posted: String?, expected: String) -> Bool {
        guard let posted else { return false }
        return ConstantTime.equal(posted, expected)
    }
}
