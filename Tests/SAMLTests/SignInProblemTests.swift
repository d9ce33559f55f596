import Foundation
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

@testable import SAML

/// Reading a sign-in log row as a problem: from the rejections the validator really writes (so a change
/// of their wording that would lose the hint fails here), and from the strings other layers log.
@Suite(.timeLimit(.minutes(1)))
struct SignInProblemTests {
    /// The problem the log row of `rejection` describes, read back as the sign-in log stores it.
    static func problem(_ rejection: Rejection) -> SignInProblem? {
        SignInProblem(
            failedCheck: rejection.check.rawValue, reason: "\(rejection.check.rawValue): \(rejection.reason)",
            expected: rejection.expected, actual: rejection.actual)
    }

    static func rejection(
        _ edit: (inout ResponseBuilder) -> Void, policy: IdentityProviderPolicy = IdentityProviderPolicy()
    ) throws -> Rejection {
        var builder = ResponseBuilder()
        edit(&builder)
        return try #require(try Validation.run(builder, policy: policy).rejection)
    }

    @Test func signatureRefusalsAreToldApart() throws {
        let sha1 = try Self.rejection {
            $0.options.signatureAlgorithm = .rsaSHA1
            $0.options.digestAlgorithm = .sha1
        }
        #expect(Self.problem(sha1) == .sha1, "\(sha1)")
        let wrongKey = try Self.rejection { $0.key = TestKeys.attacker }
        #expect(Self.problem(wrongKey) == .untrustedKey, "\(wrongKey)")
        let unsigned = try Self.rejection { $0.signing = .none }
        #expect(Self.problem(unsigned) == .missingSignature, "\(unsigned)")
        // A signature samlgate refuses for its structure is no console setting.
        let comments = try Self.rejection {
            $0.options.canonicalization = .exclusiveWithComments
            $0.options.referenceTransforms = [.envelopedSignature, .canonicalization(.exclusiveWithComments)]
        }
        #expect(comments.check == .signature && Self.problem(comments) == nil, "\(comments)")
    }

    @Test func addressingAndTimeRefusals() throws {
        #expect(Self.problem(try Self.rejection { $0.audienceRestrictions = [["urn:other"]] }) == .audience)
        #expect(Self.problem(try Self.rejection { $0.recipient = "https://other.test/acs" }) == .recipient)
        #expect(Self.problem(try Self.rejection { $0.destination = "https://other.test/acs" }) == .destination)
        let missing = try Self.rejection {
            $0.destination = nil
            $0.signing = .response
        }
        #expect(Self.problem(missing) == .missingDestination)
        let expired = try Self.rejection { $0.notOnOrAfter = $0.now.addingTimeInterval(-3_600) }
        #expect(Self.problem(expired) == .clock)
        let early = try Self.rejection { $0.notBefore = $0.now.addingTimeInterval(3_600) }
        #expect(Self.problem(early) == .clock)
    }

    @Test func policyRefusals() throws {
        let issuer = try Self.rejection({ _ in }, policy: IdentityProviderPolicy(entityID: "https://other.test/idp"))
        #expect(Self.problem(issuer) == .issuer(sent: ResponseBuilder.idpEntityID))
        // The Response's Issuer is read as received (only the Assertion was signed): no hint names it.
        let wrapped = try Self.rejection(
            { $0.responseIssuer = "https://sts.windows.net/attacker/" },
            policy: IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID))
        #expect(Self.problem(wrapped) == .issuer(sent: nil))
        let plaintext = try Self.rejection({ _ in }, policy: IdentityProviderPolicy(requireEncryption: true))
        #expect(Self.problem(plaintext) == .encryptionRequired)
        let unsolicited = try Self.rejection({ _ in }, policy: IdentityProviderPolicy(allowIdPInitiated: false))
        #expect(Self.problem(unsolicited) == .idpInitiated)
        let unknownRequest = try Self.rejection {
            $0.confirmationInResponseTo = "_never-sent"
            $0.responseInResponseTo = "_never-sent"
        }
        #expect(Self.problem(unknownRequest) == .inResponseTo)
    }

    /// The user refusal is written by the gateway: its reasons as they are worded there.
    @Test func userRefusals() {
        let unknown = SignInProblem(
            failedCheck: "user",
            reason: "user: There is no user kate@acme.test in Acme Help; ask your administrator to add you.",
            expected: nil, actual: "kate@acme.test")
        #expect(unknown == .unknownUser(identity: "kate@acme.test"))
        let disabled = SignInProblem(
            failedCheck: "user", reason: "user: The user bob@acme.test is disabled in Acme Help.", expected: nil,
            actual: "bob@acme.test")
        #expect(disabled == .disabledUser(identity: "bob@acme.test"))
        let persistent = SignInProblem(
            failedCheck: "user",
            reason: "user: There is no user 4f1e9b2c in Acme Help; ask your administrator to add you.",
            expected: nil, actual: "4f1e9b2c")
        #expect(persistent == .nameIDFormat(identity: "4f1e9b2c"))
        // As the gateway logs an unknown user now: the NameID's format and the attributes received follow.
        let detailed = SignInProblem(
            failedCheck: "user",
            reason: "user: There is no user _e74c in Acme Help; ask your administrator to add you.", expected: nil,
            actual: "_e74c; NameID is transient; attributes received: mail@x, givenName")
        #expect(detailed == .nameIDFormat(identity: "_e74c"))
        let known = SignInProblem(
            failedCheck: "user", reason: "user: There is no user kate@acme.test in Acme Help.", expected: nil,
            actual: "kate@acme.test; NameID is emailAddress; attributes received: mail")
        #expect(known == .unknownUser(identity: "kate@acme.test"))
    }

    /// The identity rules' checks, by their log names (whatever this build's ``ValidationCheck`` defines).
    @Test func identityRuleRefusals() {
        #expect(
            SignInProblem(
                failedCheck: "email_domain", reason: "email_domain: the identity's domain is not allowed",
                expected: "acme.test", actual: "kate@gmail.test") == .emailDomain(identity: "kate@gmail.test"))
        #expect(
            SignInProblem(
                failedCheck: "group", reason: "group: the user is in none of the required groups",
                expected: "helpdesk", actual: "none") == .groupsMissing)
        #expect(
            SignInProblem(
                failedCheck: "group", reason: "group: no group attribute was sent", expected: "helpdesk",
                actual: "http://schemas.microsoft.com/claims/groups.link") == .groupOverage)
    }

    @Test(arguments: ["replay", "xml", "base64", "size", "status", "assertion_count", "name_id", "disabled", "later"])
    func checksNoIdPSettingFixesHaveNoProblem(_ check: String) {
        #expect(SignInProblem(failedCheck: check, reason: "\(check): something", expected: "x", actual: "y") == nil)
    }

    @Test func aSubjectWithoutRecipientTroubleIsNoRecipientProblem() {
        let problem = SignInProblem(
            failedCheck: "subject_confirmation", reason: "subject_confirmation: the Assertion must have one Subject",
            expected: "1", actual: "0")
        #expect(problem == nil)
    }
}
