import Foundation
import Testing

@testable import SAML

/// Recognising the IdP product from its entity ID or SSO URL: real-world identifiers of each family, and
/// lookalikes that name a cloud IdP's host anywhere but in the host.
@Suite
struct IdentityProviderFamilyTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let entityID: String?
        let ssoURL: String?
        let family: IdentityProviderFamily
        var testDescription: String { "\(entityID ?? "-") / \(ssoURL ?? "-") → \(family)" }

        init(_ entityID: String?, sso ssoURL: String? = nil, _ family: IdentityProviderFamily) {
            self.entityID = entityID
            self.ssoURL = ssoURL
            self.family = family
        }
    }

    /// Issuers as the IdPs sent them (most from the real-IdP corpus) and SSO URLs as their consoles show them.
    static let realWorld: [Example] = [
        Example("https://sts.windows.net/5b5c94c6-14cf-42da-85bc-4e08722b253b/", .entra),
        Example(nil, sso: "https://login.microsoftonline.com/5b5c94c6-14cf-42da-85bc-4e08722b253b/saml2", .entra),
        Example("http://fs.spstest2.com/adfs/services/trust", .adfs),
        Example("http://FS.Contoso.com/ADFS/services/trust", .adfs),
        Example(nil, sso: "https://fs.spstest2.com/adfs/ls/", .adfs),
        Example("http://www.okta.com/exkppsa1qwuFV4D7z0h7", .okta),
        Example("http://www.okta.com/exk659aytfMeNI49v0h7", .okta),
        Example(nil, sso: "https://dev-513394.okta.com/app/dev-513394_samltest_1/exkppsa1qwuFV4D7z0h7/sso/saml", .okta),
        Example(nil, sso: "https://dev-116807.oktapreview.com/app/exk659aytfMeNI49v0h7/sso/saml", .okta),
        Example("https://accounts.google.com/o/saml2?idpid=C02dfl1r1", .google),
        Example(nil, sso: "https://accounts.google.com/o/saml2/idp?idpid=C02dfl1r1", .google),
        Example("http://127.0.0.1:8080/auth/realms/tercen", .keycloak),
        Example("https://sso.example.com/realms/helpdesk", .keycloak),
        Example(nil, sso: "https://sso.example.com/realms/helpdesk/protocol/saml", .keycloak),
        Example("https://app.onelogin.com/saml/metadata/4b1c2d3e-aaaa-bbbb-cccc-1234567890ab", .onelogin),
        Example(
            nil, sso: "https://acme.onelogin.com/trust/saml2/http-post/sso/4b1c2d3e-aaaa-bbbb-cccc-1234567890ab",
            .onelogin),
        Example("JumpCloud", .jumpcloud),
        Example(nil, sso: "https://sso.jumpcloud.com/saml2/helpdesk", .jumpcloud),
        Example("https://idp.testshib.org/idp/shibboleth", .shibboleth),
        Example(nil, sso: "https://idp.testshib.org/idp/profile/SAML2/Redirect/SSO", .shibboleth),
        Example("https://idp.example.org/simplesaml/saml2/idp/metadata.php", .simplesamlphp),
        // The corpus's SimpleSAMLphp issuer is a bare origin: only its SSO URL tells.
        Example(
            "https://openidp.feide.no", sso: "https://openidp.feide.no/simplesaml/saml2/idp/SSOService.php",
            .simplesamlphp),
        Example("https://saml.test.nope:9031/eid/sxpmrhbkzn", .unknown),
        Example("urn:scaleft-test.auth0.com", .unknown),
        Example("https://idp.secureworks.com/SAML2", .unknown),
        Example("https://openidp.feide.no", .unknown),
        Example(nil, .unknown),
    ]

    @Test(arguments: realWorld)
    func recognisesRealIdentifiers(_ example: Example) {
        #expect(IdentityProviderFamily(entityID: example.entityID, ssoURL: example.ssoURL) == example.family)
    }

    /// A cloud IdP is its host: its name in a longer host, the user info, the path, the query or the
    /// fragment is not it.
    @Test(arguments: [
        "https://okta.com.evil.test/",
        "https://evil-okta.com/app/sso/saml",
        "https://dev.okta.com@evil.test/app/sso/saml",
        "https://evil.test/dev.okta.com/app/sso/saml",
        "urn:www.okta.com:exk659aytfMeNI49v0h7",
        "https://sts.windows.net.evil.test/5b5c94c6-14cf-42da-85bc-4e08722b253b/",
        "https://evil.test/login.microsoftonline.com/saml2",
        "https://evil.test/?idp=https://sts.windows.net/",
        "https://accounts.google.com.evil.test/o/saml2?idpid=C02dfl1r1",
        "https://accounts.google.com/signin",
        "https://evil.test/o/saml2?idpid=accounts.google.com",
        "https://notonelogin.com/saml/metadata/1",
        "https://evil.test/#/realms/helpdesk",
        "https://evil.test/realms/",
        "JumpCloud2",
    ])
    func lookalikesAreNotTheFamily(_ identifier: String) {
        #expect(IdentityProviderFamily(entityID: identifier, ssoURL: nil) == .unknown)
    }

    /// A self-hosted IdP is recognised by its path on any host, and a cloud host in the query changes nothing.
    @Test func aPathDecidesOnlyForSelfHostedSoftware() {
        let adfs = IdentityProviderFamily(
            entityID: "https://evil.test/adfs/services/trust?x=sts.windows.net", ssoURL: nil)
        #expect(adfs == .adfs)
        #expect(IdentityProviderFamily(entityID: "https://evil.test/adfs/ls?x=.okta.com", ssoURL: nil) == .adfs)
    }

    @Test func theEntityIDDecidesBeforeTheSSOURL() {
        let both = IdentityProviderFamily(
            entityID: "http://www.okta.com/exk659aytfMeNI49v0h7",
            ssoURL: "https://idp.example.org/simplesaml/saml2/idp/SSOService.php")
        #expect(both == .okta)
        let fallback = IdentityProviderFamily(
            entityID: "urn:acme:idp", ssoURL: "https://login.microsoftonline.com/5b5c94c6/saml2")
        #expect(fallback == .entra)
    }

    /// Each response of the real-IdP corpus: its Issuer names the family the corpus says it comes from
    /// (the families samlgate has hints for; the others are unknown).
    @Test(.enabled(if: RealIdPCorpus.folder != nil, RealIdPCorpus.absence), arguments: RealIdPCorpus.entries)
    func theCorpusIssuersNameTheirFamily(_ entry: RealIdPCorpus.Entry) throws {
        let folder = try #require(RealIdPCorpus.folder)
        let xml = try String(contentsOf: folder.appendingPathComponent(entry.file), encoding: .utf8)
        let issuer = try #require(xml.firstMatch(of: /<(?:\w+:)?Issuer[^>]*>([^<]+)</)?.1)
        let expected: IdentityProviderFamily =
            switch entry.idp {
            case "entra": .entra
            case "adfs": .adfs
            case "okta": .okta
            case "google": .google
            case "keycloak": .keycloak
            case "shibboleth": .shibboleth
            // SimpleSAMLphp's corpus issuer is a bare origin (its SSO URL tells, see `recognisesRealIdentifiers`).
            default: .unknown
            }
        #expect(IdentityProviderFamily(entityID: String(issuer), ssoURL: nil) == expected, "\(issuer)")
    }
}
