import Credentials
import Foundation
import SAML
@_spi(Testing) import XMLSecurity

/// Builds the IdP's Single Logout messages for tests: a valid signed LogoutRequest (or LogoutResponse)
/// by default, every part adjustable, encoded for either binding, then optionally tampered with.
public struct LogoutMessageBuilder {
    /// Our Single Logout URL in the battery's account.
    public static let slo = "https://help.example.com/sso/acme/slo"

    /// Which message.
    public enum Kind: Sendable { case request, response }

    /// Which message to build.
    public var kind: Kind
    /// IssueInstant.
    public var now = Date(timeIntervalSince1970: 1_796_054_400)
    /// The message ID.
    public var id = "_logout-" + UUID().uuidString
    /// Destination; nil leaves it out.
    public var destination: String? = slo
    /// The Issuer; nil leaves the element out.
    public var issuer: String? = ResponseBuilder.idpEntityID
    /// Version.
    public var version = "2.0"
    /// Request: NotOnOrAfter; nil leaves it out.
    public var notOnOrAfter: Date?
    /// Request: the raw NameID element (or EncryptedID, BaseID, or several).
    public var nameIDXML =
        #"<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml:NameID>"#
    /// Request: the SessionIndex values.
    public var sessionIndexes: [String] = []
    /// Response: InResponseTo; nil leaves it out.
    public var inResponseTo: String?
    /// Response: the raw Status element.
    public var statusXML =
        #"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#
    /// The key that signs; nil sends it unsigned.
    @_spi(Testing) public var key: SigningKey? = TestKeys.idpRSA
    /// The private key fixture signing the redirect query (`openssl dgst`); nil: no SigAlg/Signature.
    public var queryKey: String? = "idp-rsa-key.pem"
    /// `SigAlg` of a signed redirect.
    public var signatureAlgorithm = SignatureAlgorithm.rsaSHA256.uri
    /// RelayState; nil leaves it out.
    public var relayState: String?

    /// A valid request (or response) valid for five minutes from ``now``.
    public init(_ kind: Kind = .request) {
        self.kind = kind
        if kind == .request { notOnOrAfter = now.addingTimeInterval(300) }
    }

    /// The unsigned XML.
    public var xml: String {
        let root = kind == .request ? "LogoutRequest" : "LogoutResponse"
        var xml =
            #"<samlp:\#(root) xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\#(id)" Version="\#(version)" IssueInstant="\#(SAMLTime.format(now))""#
        if let destination { xml += " Destination=\"\(destination)\"" }
        if let notOnOrAfter, kind == .request { xml += " NotOnOrAfter=\"\(SAMLTime.format(notOnOrAfter))\"" }
        if let inResponseTo, kind == .response { xml += " InResponseTo=\"\(inResponseTo)\"" }
        xml += ">"
        if let issuer { xml += "<saml:Issuer>\(issuer)</saml:Issuer>" }
        switch kind {
        case .request:
            xml += nameIDXML + sessionIndexes.map { "<samlp:SessionIndex>\($0)</samlp:SessionIndex>" }.joined()
        case .response:
            xml += statusXML
        }
        return xml + "</samlp:\(root)>"
    }

    /// The message signed with an enveloped signature (when ``key`` is set), as XML text.
    public func signedXML() throws -> String {
        guard let key else { return xml }
        let document = try LibXMLDocument(parsing: Array(xml.utf8))
        let root = document.rootElement
        _ = try EnvelopedSigner(key: key).sign(
            root, after: root.childElements(named: QualifiedName(XMLNamespace.samlAssertion, "Issuer")).first)
        return String(decoding: try document.serialized(), as: UTF8.self)
    }

    /// The HTTP-POST form value (base64 of the signed message), after `edit`.
    public func postValue(tampering edit: (String) -> String = { $0 }) throws -> String {
        Data(edit(try signedXML()).utf8).base64EncodedString()
    }

    /// The parameter the message travels in.
    public var parameter: String { kind == .request ? "SAMLRequest" : "SAMLResponse" }

    /// The HTTP-Redirect query: the message (``xml``, or `bytes`) deflated, the query signed with
    /// ``queryKey`` over its octets as sent.
    public func redirectQuery(deflating bytes: [UInt8]? = nil) throws -> String {
        let deflated = RawDeflate.compress(bytes ?? Array(xml.utf8))
        var query = parameter + "=" + URLEncoding.queryValue(Data(deflated).base64EncodedString())
        if let relayState { query += "&RelayState=" + URLEncoding.queryValue(relayState) }
        guard let queryKey else { return query }
        query += "&SigAlg=" + URLEncoding.queryValue(signatureAlgorithm)
        let digest = signatureAlgorithm.hasSuffix("sha1") ? "sha1" : "sha256"
        let signature = try OpenSSLCommand.sign(Array(query.utf8), key: queryKey, digest: digest)
        return query + "&Signature=" + URLEncoding.queryValue(Data(signature).base64EncodedString())
    }
}
