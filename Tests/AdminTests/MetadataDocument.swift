import Foundation
import SAML
@_spi(Testing) import XMLSecurity

/// An IdP metadata document written out in the test, so each test shows the certificates and attributes
/// its outcome depends on (a fixture file would hide them).
struct MetadataDocument {
    /// The EntityDescriptor's entityID.
    var entityID = "https://idp.example.com/saml"
    /// The DER of each `use="signing"` KeyDescriptor's certificate.
    var signingCertificates: [[UInt8]]
    /// The DER of each `use="encryption"` KeyDescriptor's certificate (never trusted for signatures).
    var encryptionCertificates: [[UInt8]] = []
    /// The root's validUntil; nil leaves it out.
    var validUntil: Date?
    /// The root's cacheDuration, as `xs:duration` text; nil leaves it out.
    var cacheDuration: String?

    /// The HTTP-Redirect SingleSignOnService location.
    static let ssoURL = "https://idp.example.com/sso"

    /// The unsigned document as text; the root has an `ID` so that it can be signed.
    var xml: String {
        var root = #"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_metadata-1""#
        root += #" entityID="\#(entityID)""#
        if let validUntil { root += #" validUntil="\#(SAMLTime.format(validUntil))""# }
        if let cacheDuration { root += #" cacheDuration="\#(cacheDuration)""# }
        root += ">"
        let keys =
            signingCertificates.map { Self.keyDescriptor(use: "signing", $0) }.joined()
            + encryptionCertificates.map { Self.keyDescriptor(use: "encryption", $0) }.joined()
        return root
            + #"<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#
            + keys
            + #"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="\#(Self.ssoURL)"/>"#
            + "</md:IDPSSODescriptor></md:EntityDescriptor>"
    }

    /// The unsigned document's bytes.
    var bytes: [UInt8] { Array(xml.utf8) }

    /// The document with an enveloped signature by `key` on its root, as an IdP publishes it.
    func signed(with key: SigningKey) throws -> [UInt8] {
        try XMLSecurity.initialize()
        let document = try LibXMLDocument(parsing: bytes)
        try EnvelopedSigner(key: key).sign(document.rootElement)
        return try document.serialized()
    }

    private static func keyDescriptor(use: String, _ der: [UInt8]) -> String {
        #"<md:KeyDescriptor use="\#(use)"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>"#
            + "<ds:X509Certificate>\(Data(der).base64EncodedString())</ds:X509Certificate>"
            + "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
    }
}
