import Foundation
import XMLSecurity

/// SP metadata (SAML 2.0 metadata schema) an admin hands to the IdP instead of typing two URLs.
public enum ServiceProviderMetadata {
    /// The NameID format samlgate asks for: users are matched by email.
    public static let nameIDFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

    /// The attributes the metadata asks for, none required (the identity may come from the NameID alone):
    /// by their OIDs in the URI name format, with their LDAP names (the form Shibboleth and SimpleSAMLphp
    /// read requested attributes in), and by the short names these docs give admins to configure. An IdP
    /// that releases only what an SP requests (pysaml2 does) then sends either set.
    static let requestedAttributes: [(name: String, format: String, friendlyName: String?)] = [
        ("urn:oid:0.9.2342.19200300.100.1.3", uriFormat, "mail"), ("urn:oid:2.5.4.42", uriFormat, "givenName"),
        ("urn:oid:2.5.4.4", uriFormat, "sn"), ("urn:oid:1.3.6.1.4.1.5923.1.5.1.1", uriFormat, "isMemberOf"),
        ("email", basicFormat, nil), ("given_name", basicFormat, nil), ("family_name", basicFormat, nil),
        ("groups", basicFormat, nil),
    ]
    private static let uriFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
    private static let basicFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"

    /// The algorithms an IdP may encrypt with: exactly what decryption accepts, strongest first.
    static let encryptionMethods = AcceptedEncryption.contentAlgorithmURIs + AcceptedEncryption.keyTransportURIs

    /// The metadata XML for `provider`: entity ID, keys, the Single Logout endpoint (both bindings),
    /// the NameID format, the Post-back URL and the attributes wanted, in the schema's order.
    ///
    /// `certificatesDER` are the SP certificates to publish (the `active` key's, then a `next` key's
    /// during a rollover), each as a signing and an encryption KeyDescriptor, so an IdP can check
    /// signed requests and encrypt to either key. `WantAssertionsSigned` is true to steer IdPs towards
    /// signing the Assertion itself, the strongest form (a signed Response containing it is also
    /// accepted); `AuthnRequestsSigned` says whether requests are signed (`sign_requests`, and only with
    /// a published certificate to check them with).
    ///
    /// `groupAttribute`, the account's own group attribute when it names one, is requested too.
    public static func xml(
        for provider: ServiceProvider, certificatesDER: [[UInt8]] = [], signsRequests: Bool = false,
        groupAttribute: String? = nil
    ) -> String {
        let entityID = XMLEscaping.attribute(provider.audienceURI)
        let acs = XMLEscaping.attribute(provider.postbackURL)
        let slo = XMLEscaping.attribute(provider.sloURL)
        let keyDescriptors = certificatesDER.map { der in
            let keyInfo =
                #"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>"#
                + Data(der).base64EncodedString() + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            let methods = encryptionMethods.map { #"<md:EncryptionMethod Algorithm="\#($0)"/>"# }.joined()
            return """
                    <md:KeyDescriptor use="signing">\(keyInfo)</md:KeyDescriptor>
                    <md:KeyDescriptor use="encryption">\(keyInfo)\(methods)</md:KeyDescriptor>

                """
        }.joined()
        var attributes = requestedAttributes
        if let groupAttribute, !attributes.contains(where: { $0.name == groupAttribute }) {
            let format = groupAttribute.contains(":") ? uriFormat : basicFormat
            attributes.append((XMLEscaping.attribute(groupAttribute), format, nil))
        }
        let requested = attributes.map { attribute in
            let friendly = attribute.friendlyName.map { #" FriendlyName="\#($0)""# } ?? ""
            return #"      <md:RequestedAttribute Name="\#(attribute.name)" NameFormat="\#(attribute.format)""#
                + #"\#(friendly) isRequired="false"/>"# + "\n"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(entityID)">
              <md:SPSSODescriptor AuthnRequestsSigned="\(signsRequests && !certificatesDER.isEmpty)" WantAssertionsSigned="true" \
            protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            \(keyDescriptors)    <md:SingleLogoutService Binding="\(SSOBinding.redirect.uri)" Location="\(slo)"/>
                <md:SingleLogoutService Binding="\(SSOBinding.post.uri)" Location="\(slo)"/>
                <md:NameIDFormat>\(nameIDFormat)</md:NameIDFormat>
                <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" \
            Location="\(acs)" index="0" isDefault="true"/>
                <md:AttributeConsumingService index="0" isDefault="true">
                  <md:ServiceName xml:lang="en">\(entityID)</md:ServiceName>
            \(requested)    </md:AttributeConsumingService>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>

            """
    }
}
