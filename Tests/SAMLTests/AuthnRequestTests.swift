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

    /// Bindings §3.4.4.1: the signature covers `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as the URL
    /// carries them, and `Signature` follows them.
    @Test func signedRedirectSignsTheOctetsTheURLCarries() throws {
        let request = AuthnRequest(provider: provider, ssoURL: "https://idp.example.com/sso?tenant=7")
        var signedOctets: [UInt8] = []
        let url = request.signedRedirectURL(relayState: "r+/=token") { (octets: [UInt8]) -> [UInt8] in
            signedOctets = octets
            return [0xFB, 0xFF, 0x00]
        }
        let prefix = "https://idp.example.com/sso?tenant=7&"
        #expect(url.hasPrefix(prefix))
        let query = String(url.dropFirst(prefix.count))
        let signed = String(decoding: signedOctets, as: UTF8.self)
        #expect(signed.hasPrefix("SAMLRequest=") && signed.contains("&RelayState=r%2B%2F%3Dtoken&"))
        #expect(signed.hasSuffix("&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256"))
        #expect(query == signed + "&Signature=" + "%2B%2F8A")
        #expect(request.redirectURL(relayState: "r+/=token").hasPrefix(prefix + signed.prefix(while: { $0 != "&" })))
    }

    @Test func aFailedSignatureIsThrownNotSent() {
        struct NoKey: Error {}
        let request = AuthnRequest(provider: provider, ssoURL: "https://idp.example.com/sso")
        #expect(throws: NoKey.self) {
            try request.signedRedirectURL(relayState: nil) { (_: [UInt8]) throws(NoKey) -> [UInt8] in throw NoKey() }
        }
    }
}
