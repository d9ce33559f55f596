/// What went wrong in a refused sign-in, in the terms an IdP's console is set up in: the sign-in log's
/// failed check, told apart further by its reason and values where one check has several causes.
///
/// Read from the log's strings (not a ``ValidationCheck``), so rows written by any version, and checks
/// this build does not define, are read the same way.
public enum SignInProblem: Sendable, Hashable {
    /// Our Audience URI is not among the Assertion's audiences.
    case audience
    /// The bearer SubjectConfirmation's Recipient is not our Post-back URL.
    case recipient
    /// The Response's Destination is not our Post-back URL.
    case destination
    /// A signed Response without a Destination.
    case missingDestination
    /// The identity is not an email address: the IdP sends another kind of NameID.
    case nameIDFormat(identity: String)
    /// No user here has the identity the IdP sent.
    case unknownUser(identity: String?)
    /// The user exists here but is disabled.
    case disabledUser(identity: String?)
    /// Signed with SHA-1 while the account does not allow it.
    case sha1
    /// Signed with a key that is not one of the account's IdP certificates.
    case untrustedKey
    /// Neither the Assertion nor the Response is signed.
    case missingSignature
    /// NotBefore or NotOnOrAfter is beyond the clock skew.
    case clock
    /// The Issuer is not the configured IdP entity ID; `sent` is what the IdP sent.
    case issuer(sent: String?)
    /// A plaintext Assertion while encrypted ones are required.
    case encryptionRequired
    /// An EncryptedAssertion or EncryptedID that could not be decrypted.
    case decryption
    /// InResponseTo names no pending request of ours.
    case inResponseTo
    /// An unsolicited response while IdP-initiated sign-in is off.
    case idpInitiated
    /// The identity's domain is not an allowed email domain.
    case emailDomain(identity: String?)
    /// The user is in none of the required groups, or no groups were sent.
    case groupsMissing
    /// Entra sent its `groups.link` claim (a user in more than 150 groups) instead of the groups.
    case groupOverage

    /// The problem a sign-in log row describes, or nil for a check no IdP setting fixes (a malformed
    /// message, a replay, a signature structure samlgate refuses, …).
    ///
    /// - Parameters:
    ///   - failedCheck: the log's machine name of the check (a ``ValidationCheck`` raw value).
    ///   - reason, expected, actual: the row's other fields, which tell causes of one check apart.
    public init?(failedCheck: String, reason: String, expected: String?, actual: String?) {
        switch failedCheck {
        case "audience": self = .audience
        case "subject_confirmation":
            // The other causes (no Subject, no NotOnOrAfter) are not a console setting.
            guard expected?.hasPrefix("Recipient") == true else { return nil }
            self = .recipient
        case "destination": self = actual == "none" ? .missingDestination : .destination
        case "user": self = Self.user(reason: reason, identity: actual)
        case "signature":
            guard let problem = Self.signature(reason: reason, actual: actual) else { return nil }
            self = problem
        case "not_before", "not_on_or_after": self = .clock
        // Only the Assertion's Issuer was read after the signature verified; the Response's is checked as
        // received, so a hint never names it as the value to configure.
        case "issuer":
            self = .issuer(sent: actual == "none" || reason.contains("Response's Issuer") ? nil : actual)
        case "encryption_required": self = .encryptionRequired
        case "decryption": self = .decryption
        case "in_response_to": self = .inResponseTo
        case "idp_initiated": self = .idpInitiated
        case "email_domain": self = .emailDomain(identity: actual)
        case "group":
            // Entra's `http://schemas.microsoft.com/claims/groups.link`, when the rule's values name it.
            let overage = [reason, expected, actual].contains { $0?.contains("groups.link") == true }
            self = overage ? .groupOverage : .groupsMissing
        default: return nil
        }
    }

    private static func user(reason: String, identity actual: String?) -> Self {
        // An unknown user's row reads "identity; NameID is …; attributes received: …": the hint names the
        // part before the first ";" (a bare identity in older rows).
        let identity = actual.map { value in
            value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        }
        if reason.contains(" is disabled") { return .disabledUser(identity: identity) }
        // samlgate's users are email addresses: an identity without "@" is a NameID of another format
        // (persistent, transient, a username) that no user can have.
        if let identity, !identity.contains("@") { return .nameIDFormat(identity: identity) }
        return .unknownUser(identity: identity)
    }

    /// The signature causes an IdP setting fixes, by the wording of ``ResponseValidator``'s reasons
    /// (and `SignatureFailure`'s descriptions inside them).
    private static func signature(reason: String, actual: String?) -> Self? {
        if reason.contains("SHA-1") { return .sha1 }
        if reason.contains("not one of this account's certificates")
            || reason.contains("does not verify with this account's certificates")
        {
            return .untrustedKey
        }
        if reason.contains("is signed") && (actual == "none" || reason.contains("neither")) { return .missingSignature }
        return nil
    }
}
