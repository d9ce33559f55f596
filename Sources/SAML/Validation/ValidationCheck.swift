/// The checks of the ACS rules, named so logs, tests and admins speak of the same thing.
///
/// "Rule N" below and elsewhere in the code is the ACS rule numbering of docs/architecture.md
/// ("Where each rule lives"), which maps each rule to its checks, code and tests.
public enum ValidationCheck: String, Sendable, Hashable, CaseIterable {
    /// Rule 1: no `SAMLResponse` form field.
    case missingResponse = "missing_response"
    /// Rule 1: the body is over the size limit.
    case size
    /// Rule 1: `SAMLResponse` is not strict base64.
    case base64
    /// Rule 1: not well-formed XML, or a DOCTYPE, or too deep.
    case xml
    /// Rule 2: the root is not a SAML 2.0 `samlp:Response`.
    case root
    /// Rule 2: Destination is not the Post-back URL, or missing on a signed Response.
    case destination
    /// Rule 2: Status is not Success.
    case status
    /// Rule 3: not exactly one Assertion (or an EncryptedAssertion).
    case assertionCount = "assertion_count"
    /// Rule 3: an EncryptedAssertion or EncryptedID that cannot be decrypted (the log names the cause;
    /// the browser never learns it).
    case decryption
    /// Rule 3: a plaintext Assertion while `require_encryption` is on.
    case encryptionRequired = "encryption_required"
    /// Rule 4: no acceptable signature over the Assertion or its Response.
    case signature
    /// Rule 6: Issuer differs from the configured IdP entity ID.
    case issuer
    /// Rule 7: Conditions missing.
    case conditions
    /// Rule 7: NotBefore in the future beyond the skew.
    case notBefore = "not_before"
    /// Rule 7/8: NotOnOrAfter passed beyond the skew.
    case notOnOrAfter = "not_on_or_after"
    /// Rule 7: our Audience URI is missing from an AudienceRestriction.
    case audience
    /// Rule 8: no bearer SubjectConfirmation with our Recipient.
    case subjectConfirmation = "subject_confirmation"
    /// Rule 8: InResponseTo unknown, used, expired, or inconsistent.
    case inResponseTo = "in_response_to"
    /// Rule 8: IdP-initiated response while `allow_idp_initiated` is off.
    case idpInitiated = "idp_initiated"
    /// Rule 9: the Assertion ID was already accepted.
    case replay
    /// Rule 10: NameID missing or not a single text node.
    case nameID = "name_id"
    /// Rule 10: an identity attribute with not exactly one single-text value.
    case attribute
    /// Rule 10: no such user, or the user is disabled.
    case user
    /// Identity rules: the identity's domain is not one of the account's email domains.
    case emailDomain = "email_domain"
    /// Identity rules: the user is in none of the account's required groups (or no groups were sent).
    case group
    /// SAML is not enabled for the account.
    case disabled
    /// Single Logout: no `SAMLRequest` or `SAMLResponse` (or both, or one given twice).
    case missingMessage = "missing_message"
    /// Single Logout, HTTP-Redirect: the message does not inflate, or inflates beyond the size limit.
    case deflate

    /// Whether a failure of this check means the request was malformed (400) rather than refused (403).
    public var isMalformedInput: Bool {
        switch self {
        case .missingResponse, .missingMessage, .base64, .deflate, .xml: true
        default: false
        }
    }
}
