import Foundation

/// SP metadata (SAML 2.0 metadata schema) an admin hands to the IdP instead of typing two URLs.
public enum ServiceProviderMetadata {
    /// The NameID format samlgate asks for: users are matched by email.
    public static let nameIDFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

    /// The algorithms an IdP may encrypt with, strongest first (AES-GCM, then AES-CBC for IdPs that
    /// lack GCM, with RSA-OAEP key transport): IdPs that read EncryptionMethod pick the first they know.
    static let encryptionMethods = [
        "http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#aes128-gcm",
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc", "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    ]

    /// The metadata XML for `provider`.
    ///
    /// `certificatesDER` are the SP certificates to publish (the `active` key's, then a `next` key's
    /// during a rollover), each as a signing and an encryption KeyDescriptor, so an IdP can check
    /// signed requests and encrypt to either key. `WantAssertionsSigned` is true to steer IdPs towards
    /// signing the Assertion itself, the strongest form (a signed Response containing it is also
    /// accepted); `AuthnRequestsSigned` says whether requests are signed (`sign_requests`, and only with
    /// a published certificate to check them with).
    public static func xml(
        for provider: ServiceProvider, certificatesDER: [[UInt8]] = [], signsRequests: Bool = false
    ) -> String {
        let entityID = XMLEscaping.attribute(provider.audienceURI)
        let acs = XMLEscaping.attribute(provider.postbackURL)
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
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(entityID)">
              <md:SPSSODescriptor AuthnRequestsSigned="\(signsRequests && !certificatesDER.isEmpty)" WantAssertionsSigned="true" \
            protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            \(keyDescriptors)    <md:NameIDFormat>\(nameIDFormat)</md:NameIDFormat>
                <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" \
            Location="\(acs)" index="0" isDefault="true"/>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>

            """
    }
}
