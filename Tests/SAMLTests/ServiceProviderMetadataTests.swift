import Foundation
import Testing
import TestSupport

@testable import SAML

/// SP metadata: the derived URLs, valid against the SAML metadata schema.
struct ServiceProviderMetadataTests {
    @Test(arguments: [
        ("https://help.example.com", "acme"), ("https://example.com/helpdesk", "b-2"),
        ("http://127.0.0.1:8080", "demo"),
    ])
    func derivedURLsComeFromTheBaseURL(baseURL: String, slug: String) {
        let provider = ServiceProvider(slug: slug, baseURL: baseURL)
        #expect(provider.postbackURL == "\(baseURL)/sso/\(slug)/acs")
        #expect(provider.audienceURI == "\(baseURL)/sso/\(slug)/metadata")
    }

    @Test func metadataIsSchemaValid() throws {
        let xml = ServiceProviderMetadata.xml(
            for: ServiceProvider(slug: "acme", baseURL: "https://example.com/help&desk"))
        #expect(try SchemaValidator.errors(in: xml, schema: "saml-schema-metadata-2.0.xsd") == nil)
        #expect(xml.contains("entityID=\"https://example.com/help&amp;desk/sso/acme/metadata\""))
        #expect(xml.contains("Location=\"https://example.com/help&amp;desk/sso/acme/acs\""))
        #expect(xml.contains("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"))
    }

    /// The attributes asked for, each a name samlgate reads: what an IdP that honours requested
    /// attributes (Shibboleth, SimpleSAMLphp) then releases is what sign-in uses.
    @Test func metadataRequestsTheAttributesSamlgateReads() throws {
        let xml = ServiceProviderMetadata.xml(for: ServiceProvider(slug: "acme", baseURL: "https://x.example"))
        #expect(
            xml.contains("<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"))
        let names = xml.matches(of: /<md:RequestedAttribute Name="([^"]+)"/).map { String($0.1) }
        #expect(names.count == 8 && names.contains("email") && names.contains("urn:oid:2.5.4.42"))
        for name in names {
            #expect(
                IdentityAttribute.allCases.contains { $0.names.contains(name) }
                    || IdentityProviderPolicy.defaultGroupAttributes.contains(name), "\(name)")
        }
        #expect(xml.contains(#"FriendlyName="mail""#) && xml.contains(#"isRequired="false""#))
    }

    @Test func anAccountsOwnGroupAttributeIsRequestedToo() throws {
        let provider = ServiceProvider(slug: "acme", baseURL: "https://x.example")
        let xml = ServiceProviderMetadata.xml(
            for: provider, groupAttribute: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups")
        #expect(try SchemaValidator.errors(in: xml, schema: "saml-schema-metadata-2.0.xsd") == nil)
        #expect(
            xml.contains(
                #"Name="http://schemas.microsoft.com/ws/2008/06/identity/claims/groups" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri""#
            ))
        let quoted = ServiceProviderMetadata.xml(for: provider, groupAttribute: "Team \"A\"&B")
        #expect(quoted.contains(#"Name="Team &quot;A&quot;&amp;B""#))
        #expect(
            ServiceProviderMetadata.xml(for: provider, groupAttribute: "groups").matches(of: /Name="groups"/).count == 1
        )
    }

    @Test func schemaCheckCanFail() throws {
        // Guard against a validator that passes everything: a metadata without entityID is invalid.
        let xml = ServiceProviderMetadata.xml(for: ServiceProvider(slug: "acme", baseURL: "https://x.example"))
            .replacingOccurrences(of: "entityID=", with: "entityId=")
        #expect(try SchemaValidator.errors(in: xml, schema: "saml-schema-metadata-2.0.xsd") != nil)
    }
}
