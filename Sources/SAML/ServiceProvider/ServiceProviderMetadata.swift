/// SP metadata (SAML 2.0 metadata schema) an admin hands to the IdP instead of typing two URLs.
public enum ServiceProviderMetadata {
    /// The NameID format samlgate asks for: users are matched by email.
    public static let nameIDFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

    /// The metadata XML for `provider`.
    ///
    /// `WantAssertionsSigned` is true to steer IdPs towards signing the Assertion itself, the
    /// strongest form (a signed Response containing it is also accepted). No KeyDescriptor yet:
    /// the SP neither signs requests nor decrypts assertions.
    public static func xml(for provider: ServiceProvider) -> String {
        let entityID = XMLEscaping.attribute(provider.audienceURI)
        let acs = XMLEscaping.attribute(provider.postbackURL)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(entityID)">
              <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" \
            protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:NameIDFormat>\(nameIDFormat)</md:NameIDFormat>
                <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" \
            Location="\(acs)" index="0" isDefault="true"/>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>

            """
    }
}
