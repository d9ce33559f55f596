import Credentials
import Foundation
import Testing
import TestSupport

@testable import SAML

/// Reading an IdP's metadata: entity ID, redirect SSO URL and signing certificates only.
struct IdentityProviderMetadataTests {
    static func fixture(_ name: String) -> [UInt8] {
        TestKeys.file("../metadata/\(name)")
    }

    @Test func readsEntityIDRedirectURLAndSigningCertificates() throws {
        let metadata = try IdentityProviderMetadata(xml: Self.fixture("idp.xml"))
        #expect(metadata.entityID == "http://www.okta.com/exk123")
        #expect(metadata.ssoURL == "https://example.okta.com/app/redirect/sso/saml")
        #expect(metadata.certificates.map(\.der) == [TestKeys.idpRSADER])
    }

    @Test func prefersRedirectAndReadsWhetherSignedRequestsAreWanted() throws {
        let redirect = try IdentityProviderMetadata(xml: Self.fixture("idp.xml"))
        #expect(redirect.ssoBinding == .redirect && !redirect.wantsAuthnRequestsSigned)
        let postOnly = try IdentityProviderMetadata(xml: Self.fixture("post-only.xml"))
        #expect(postOnly.ssoBinding == .post && postOnly.ssoURL == "https://idp.example.com/post")
        #expect(postOnly.wantsAuthnRequestsSigned)
    }

    @Test func readsTheSingleLogoutServicesRedirectFirst() throws {
        let both = try IdentityProviderMetadata(xml: Self.fixture("idp.xml"))
        let redirect = try #require(both.sloService(preferring: nil))
        #expect(redirect.binding == .redirect)
        #expect(redirect.endpoint.location == "https://example.okta.com/app/redirect/slo")
        #expect(redirect.endpoint.responseLocation == "https://example.okta.com/app/redirect/slo-response")
        let post = try #require(both.sloService(preferring: .post))
        #expect(
            post.binding == .post
                && post.endpoint
                    == SingleLogoutEndpoint(location: "https://example.okta.com/app/post/slo", responseLocation: nil)
        )
        #expect(try IdentityProviderMetadata(xml: Self.fixture("post-only.xml")).sloService(preferring: nil) == nil)
    }

    @Test func aPreferredBindingGetsItsOwnLocationWhenOffered() throws {
        let both = try IdentityProviderMetadata(xml: Self.fixture("idp.xml"))
        #expect(both.ssoService(preferring: .post) == (.post, "https://example.okta.com/app/post/sso/saml"))
        #expect(both.ssoService(preferring: nil) == (.redirect, "https://example.okta.com/app/redirect/sso/saml"))
        let postOnly = try IdentityProviderMetadata(xml: Self.fixture("post-only.xml"))
        #expect(postOnly.ssoService(preferring: .redirect) == (.post, "https://idp.example.com/post"))
        #expect(postOnly.ssoURLs == [.post: "https://idp.example.com/post"])
    }

    @Test func refusesMetadataWithoutRedirectOrPOSTBinding() {
        #expect(throws: MetadataError.missing("a SingleSignOnService with the HTTP-Redirect or HTTP-POST binding")) {
            try IdentityProviderMetadata(xml: Self.fixture("no-sso.xml"))
        }
    }

    @Test func refusesSPMetadataAndOtherXML() throws {
        let sp = ServiceProviderMetadata.xml(for: ServiceProvider(slug: "a", baseURL: "https://x.example"))
        #expect(throws: MetadataError.identityProviderCount(0)) { try IdentityProviderMetadata(xml: Array(sp.utf8)) }
        #expect(throws: MetadataError.self) { try IdentityProviderMetadata(xml: Array("<html/>".utf8)) }
        #expect(throws: MetadataError.self) { try IdentityProviderMetadata(xml: Array("not xml".utf8)) }
    }

    @Test func refusesDoctype() {
        let xml =
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"&e;\"/>"
        #expect(throws: MetadataError.self) { try IdentityProviderMetadata(xml: Array(xml.utf8)) }
    }
}
