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

    @Test func schemaCheckCanFail() throws {
        // Guard against a validator that passes everything: a metadata without entityID is invalid.
        let xml = ServiceProviderMetadata.xml(for: ServiceProvider(slug: "acme", baseURL: "https://x.example"))
            .replacingOccurrences(of: "entityID=", with: "entityId=")
        #expect(try SchemaValidator.errors(in: xml, schema: "saml-schema-metadata-2.0.xsd") != nil)
    }
}
