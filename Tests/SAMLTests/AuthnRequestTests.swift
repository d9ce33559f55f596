import Foundation
import Testing
import TestSupport

@_spi(Testing) @testable import SAML

/// AuthnRequests: schema-valid, and encoded for the HTTP-Redirect binding so an IdP can decode them.
struct AuthnRequestTests {
    let provider = ServiceProvider(slug: "acme", baseURL: "https://help.example.com")

    @Test func requestIsSchemaValidWithTheDerivedValues() throws {
        let request = AuthnRequest(provider: provider, ssoURL: "https://idp.example.com/sso?x=1&y=2")
        #expect(try SchemaValidator.errors(in: request.xml, schema: "saml-schema-protocol-2.0.xsd") == nil)
        #expect(request.xml.contains("AssertionConsumerServiceURL=\"https://help.example.com/sso/acme/acs\""))
        #expect(request.xml.contains("<saml:Issuer>https://help.example.com/sso/acme/metadata</saml:Issuer>"))
        #expect(request.xml.contains("Destination=\"https://idp.example.com/sso?x=1&amp;y=2\""))
        #expect(request.id.hasPrefix("_") && request.id.count == 41)
    }

    @Test func idsAreUnique() {
        let ids = Set((0..<100).map { _ in AuthnRequest(provider: provider, ssoURL: "https://idp.example/sso").id })
        #expect(ids.count == 100)
    }

    @Test func redirectURLDecodesBackToTheRequest() throws {
        let request = AuthnRequest(provider: provider, ssoURL: "https://idp.example.com/sso?tenant=7")
        let url = request.redirectURL(relayState: "r+/=token")
        #expect(url.hasPrefix("https://idp.example.com/sso?tenant=7&SAMLRequest="))
        let components = try #require(URLComponents(string: url))
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["RelayState"] == "r+/=token")
        let encoded = try #require(items["SAMLRequest"])
        let deflated = try #require(Data(base64Encoded: encoded))
        let xml = try #require(RawDeflate.decompress([UInt8](deflated)))
        #expect(String(decoding: xml, as: UTF8.self) == request.xml)
    }

    @Test func redirectWithoutRelayState() {
        let url = AuthnRequest(provider: provider, ssoURL: "https://idp.example.com/sso").redirectURL(relayState: nil)
        #expect(!url.contains("RelayState"))
        #expect(url.hasPrefix("https://idp.example.com/sso?SAMLRequest="))
    }
}
