import Foundation
import Testing

@testable import SAML

/// The hints: one for every problem at every IdP, each naming that IdP's own setting and the account's
/// URLs where it matters, short enough for a log row.
@Suite
struct SignInHintTests {
    static let provider = ServiceProvider(slug: "acme", baseURL: "https://help.example.com")

    static let problems: [SignInProblem] = [
        .audience, .recipient, .destination, .missingDestination, .nameIDFormat(identity: "4f1e9b2c"),
        .unknownUser(identity: "kate@acme.test"), .disabledUser(identity: "bob@acme.test"), .sha1, .untrustedKey,
        .missingSignature, .clock, .issuer(sent: "https://sts.windows.net/5b5c94c6/"), .issuer(sent: nil),
        .encryptionRequired, .decryption, .inResponseTo, .idpInitiated, .emailDomain(identity: "kate@gmail.test"),
        .groupsMissing, .groupOverage,
    ]

    /// Every family × every problem: a hint of at most two sentences that leaves no placeholder of ours
    /// unfilled.
    @Test(arguments: IdentityProviderFamily.allCases)
    func everyProblemHasAShortHint(_ family: IdentityProviderFamily) {
        for problem in Self.problems {
            let text = SignInHint(problem, family: family, provider: Self.provider).text
            #expect(!text.isEmpty && text.hasSuffix("."), "\(family) \(problem): \(text)")
            let sentences = text.matches(of: /[.:)] [A-Z]/).filter { $0.output.first == "." }.count + 1
            #expect(sentences <= 2, "\(family) \(problem): \(text)")
            #expect(text.count <= 360, "\(family) \(problem): \(text.count) characters")
            #expect(!text.contains("\\("), "\(family) \(problem): \(text)")
            // A console path quoted inside a sentence is not a second sentence's "In …:".
            #expect(![": In ", "(In ", "in In "].contains { text.contains($0) }, "\(family) \(problem): \(text)")
        }
    }

    struct Expectation: Sendable, CustomTestStringConvertible {
        let family: IdentityProviderFamily
        let problem: SignInProblem
        let mentions: [String]
        var testDescription: String { "\(family) \(problem)" }

        init(_ family: IdentityProviderFamily, _ problem: SignInProblem, _ mentions: String...) {
            self.family = family
            self.problem = problem
            self.mentions = mentions
        }
    }

    static let acs = "https://help.example.com/sso/acme/acs"
    static let audience = "https://help.example.com/sso/acme/metadata"
    static let login = "https://help.example.com/sso/acme/login"

    /// Where each common refusal is fixed, in the consoles of the IdPs most accounts use.
    static let expectations: [Expectation] = [
        Expectation(.entra, .audience, "Basic SAML Configuration", "Identifier (Entity ID)", audience),
        Expectation(.entra, .recipient, "Reply URL", acs),
        Expectation(.entra, .destination, "Reply URL", acs),
        Expectation(.entra, .nameIDFormat(identity: "4f1e9b2c"), "Attributes & Claims", "Unique User Identifier"),
        Expectation(.entra, .unknownUser(identity: "kate@acme.test"), "kate@acme.test", "user principal name"),
        Expectation(.entra, .sha1, "SAML Certificates", "Signing Algorithm", "SHA-256"),
        Expectation(.entra, .untrustedKey, "SAML Certificates", "Certificate (Base64)"),
        Expectation(.entra, .missingSignature, "Signing Option"),
        Expectation(
            .entra, .issuer(sent: "https://sts.windows.net/x/"), "Microsoft Entra Identifier", "trailing slash"),
        Expectation(.entra, .encryptionRequired, "Token encryption"),
        Expectation(.entra, .decryption, "Token encryption", audience),
        Expectation(.entra, .idpInitiated, "Sign on URL", login),
        Expectation(.entra, .emailDomain(identity: "kate@acme.onmicrosoft.com"), "user.mail"),
        Expectation(.entra, .groupsMissing, "Attributes & Claims", "Add a group claim"),
        Expectation(.entra, .groupOverage, "150 groups", "groups.link", "Groups assigned to the application"),
        Expectation(.adfs, .audience, "Relying Party Trusts", "Identifiers", audience),
        Expectation(.adfs, .recipient, "Endpoints", "SAML Assertion Consumer", acs),
        Expectation(.adfs, .nameIDFormat(identity: "4f1e9b2c"), "Claim Issuance Policy", "Transform an incoming claim"),
        Expectation(.adfs, .unknownUser(identity: "kate@acme.test"), "Claim Issuance Policy"),
        Expectation(.adfs, .sha1, "Advanced", "SHA-256"),
        Expectation(.adfs, .untrustedKey, "token-signing certificate"),
        Expectation(.adfs, .clock, "AD FS server", "NotBeforeSkew"),
        Expectation(.adfs, .issuer(sent: "http://fs.example.com/adfs/services/trust"), "Federation Service Identifier"),
        Expectation(.adfs, .encryptionRequired, "Encryption"),
        Expectation(.adfs, .groupsMissing, "Claim Issuance Policy", "Token-Groups"),
        Expectation(.keycloak, .audience, "Clients", "Client ID", audience),
        Expectation(.keycloak, .recipient, "Valid redirect URIs", acs),
        Expectation(.keycloak, .nameIDFormat(identity: "kate"), "Name ID format", "Force name ID format"),
        Expectation(.keycloak, .sha1, "Signature algorithm", "RSA_SHA256"),
        Expectation(.keycloak, .untrustedKey, "Realm settings → Keys"),
        Expectation(.keycloak, .missingSignature, "Sign assertions"),
        Expectation(.keycloak, .clock, "Keycloak server"),
        Expectation(.keycloak, .encryptionRequired, "Keys", "Encrypt assertions"),
        Expectation(.keycloak, .groupsMissing, "Group list", "Full group path"),
        Expectation(.okta, .audience, "SAML Settings", "Audience URI (SP Entity ID)", audience),
        Expectation(.okta, .recipient, "Single sign on URL", acs),
        Expectation(.okta, .nameIDFormat(identity: "kate"), "Name ID format", "Application username"),
        Expectation(.okta, .sha1, "Signature Algorithm", "RSA-SHA256"),
        Expectation(.okta, .untrustedKey, "SAML Signing Certificates"),
        Expectation(.okta, .missingSignature, "Assertion Signature"),
        Expectation(.okta, .issuer(sent: "http://www.okta.com/exk1"), "Identity Provider Issuer"),
        Expectation(.okta, .encryptionRequired, "Assertion Encryption"),
        Expectation(.okta, .groupsMissing, "Group Attribute Statement"),
        Expectation(.okta, .unknownUser(identity: "kate"), "change the user's address here"),
        Expectation(.okta, .emailDomain(identity: "kate@gmail.test"), "Application username", "allow that domain here"),
        Expectation(.google, .audience, "Web and mobile apps", "Service provider details", "Entity ID", audience),
        Expectation(.google, .recipient, "ACS URL", acs),
        Expectation(.google, .nameIDFormat(identity: "kate"), "Name ID format", "Primary email"),
        Expectation(.google, .untrustedKey, "Google Identity Provider details"),
        Expectation(.google, .encryptionRequired, "Require encrypted assertions"),
        Expectation(.google, .groupsMissing, "Group membership"),
        Expectation(.onelogin, .audience, "Audience (EntityID)", audience),
        Expectation(.onelogin, .recipient, "ACS (Consumer) URL", acs),
        Expectation(.jumpcloud, .audience, "SP Entity ID", audience),
        Expectation(.shibboleth, .audience, "metadata-providers.xml", audience),
        Expectation(.simplesamlphp, .recipient, "saml20-sp-remote.php", acs),
        Expectation(.unknown, .audience, "SP entity ID", audience),
        Expectation(.unknown, .recipient, "Assertion Consumer Service", acs),
        Expectation(.unknown, .nameIDFormat(identity: "4f1e9b2c"), "4f1e9b2c", "emailAddress"),
        Expectation(.unknown, .sha1, "SHA-256"),
        Expectation(.unknown, .untrustedKey, "signing certificate"),
        Expectation(.unknown, .clock, "this server's clock"),
        Expectation(.unknown, .issuer(sent: "urn:acme:idp"), "urn:acme:idp", "IdP entity ID"),
        Expectation(.unknown, .inResponseTo, login),
        Expectation(.unknown, .idpInitiated, login),
        Expectation(.unknown, .groupsMissing, "group attribute"),
    ]

    @Test(arguments: expectations)
    func namesTheIdPsOwnSetting(_ expectation: Expectation) {
        let hint = SignInHint(expectation.problem, family: expectation.family, provider: Self.provider)
        for mention in expectation.mentions {
            #expect(hint.text.contains(mention), "\(hint.text)")
        }
    }

    /// The consoles differ, so do the hints: no two families share one for the problems every console sets.
    @Test(arguments: [SignInProblem.audience, .recipient, .untrustedKey, .issuer(sent: "x"), .groupsMissing])
    func eachFamilyHasItsOwnWording(_ problem: SignInProblem) {
        let families = IdentityProviderFamily.allCases
        let texts = Set(families.map { SignInHint(problem, family: $0, provider: Self.provider).text })
        #expect(texts.count == families.count)
    }

    @Test func theGenericHintNamesNoProduct() {
        for problem in Self.problems where problem != .groupOverage {
            let text = SignInHint(problem, family: .unknown, provider: Self.provider).text
            for family in IdentityProviderFamily.allCases where family != .unknown {
                #expect(!text.contains(family.displayName), "\(problem): \(text)")
            }
        }
    }

    // MARK: From a log row.

    @Test func aLogRowGetsTheConfiguredIdPsHint() throws {
        let hint = try #require(
            SignInHint(
                failedCheck: "audience", reason: "audience: our Audience URI is not in the AudienceRestriction",
                expected: Self.audience, actual: "spn:1234", idpEntityID: "https://sts.windows.net/5b5c94c6/",
                ssoURL: "https://login.microsoftonline.com/5b5c94c6/saml2", provider: Self.provider))
        #expect(hint.family == .entra && hint.problem == .audience)
        #expect(hint.text.contains("Identifier (Entity ID)") && hint.text.contains(Self.audience))
        let bySSO = try #require(
            SignInHint(
                failedCheck: "subject_confirmation", reason: "subject_confirmation: no bearer SubjectConfirmation",
                expected: "Recipient \(Self.acs)", actual: "https://old.example.com/acs", idpEntityID: nil,
                ssoURL: "https://dev-513394.okta.com/app/x/exk1/sso/saml", provider: Self.provider))
        #expect(bySSO.family == .okta && bySSO.text.contains("Single sign on URL"))
    }

    /// For an Issuer refusal the Issuer sent names the IdP, before the configured entity ID does.
    @Test func anIssuerRefusalIsWordedForTheIdPThatSentIt() throws {
        let hint = try #require(
            SignInHint(
                failedCheck: "issuer", reason: "issuer: the Assertion's Issuer is not the configured IdP entity ID",
                expected: "urn:typed-by-hand", actual: "http://www.okta.com/exk659aytfMeNI49v0h7",
                idpEntityID: "urn:typed-by-hand", ssoURL: "https://idp.example.com/sso", provider: Self.provider))
        #expect(hint.family == .okta)
        #expect(hint.text.contains("http://www.okta.com/exk659aytfMeNI49v0h7"))
        #expect(hint.text.contains("Identity Provider Issuer"))
    }

    /// Only Entra sends groups.link: its hint whatever the settings say.
    @Test func groupOverageIsAlwaysEntras() throws {
        let hint = try #require(
            SignInHint(
                failedCheck: "group", reason: "group: no group attribute",
                expected: nil, actual: "http://schemas.microsoft.com/claims/groups.link", idpEntityID: nil,
                ssoURL: "https://idp.example.com/sso", provider: Self.provider))
        #expect(hint.family == .entra && hint.text.contains("Groups assigned to the application"))
    }

    @Test func rowsWithoutAnExplainableCheckHaveNoHint() {
        for check in [nil, "replay", "xml", "status"] {
            let hint = SignInHint(
                failedCheck: check, reason: "something", expected: nil, actual: nil,
                idpEntityID: "https://sts.windows.net/x/", ssoURL: nil, provider: Self.provider)
            #expect(hint == nil, "\(check ?? "nil")")
        }
    }
}
