import Foundation
import SAML
@_spi(Testing) import XMLSecurity

/// Builds SAML Responses for the attack battery: a valid one by default, every part adjustable,
/// signed with xmlsec like a real IdP would, then optionally tampered with as text.
public struct ResponseBuilder {
    /// The ACS URL the battery's account expects (Destination and Recipient).
    public static let acs = "https://help.example.com/sso/acme/acs"
    /// The SP entity ID the battery's account expects in AudienceRestriction.
    public static let audience = "https://help.example.com/sso/acme/metadata"
    /// The IdP entity ID the battery's account trusts as Issuer.
    public static let idpEntityID = "https://idp.example.com/saml"

    /// Which elements carry an enveloped signature.
    public enum Signing: Sendable { case assertion, response, both, none }

    /// The IssueInstant and AuthnInstant; validity windows are set around it.
    public var now = Date(timeIntervalSince1970: 1_796_054_400)  // 2026-11-30T16:00:00Z
    /// The Response's ID attribute.
    public var responseID = "_resp-" + UUID().uuidString
    /// The Assertion's ID attribute (the one the replay cache keeps).
    public var assertionID = "_assert-" + UUID().uuidString
    /// The Response's Destination attribute; nil leaves it out.
    public var destination: String? = acs
    /// The Response's InResponseTo attribute; nil leaves it out (IdP-initiated).
    public var responseInResponseTo: String?
    /// SubjectConfirmationData's InResponseTo; nil leaves it out.
    public var confirmationInResponseTo: String?
    /// The Response's Issuer; nil leaves the element out.
    public var responseIssuer: String? = idpEntityID
    /// The Assertion's Issuer.
    public var assertionIssuer = idpEntityID
    /// The raw Status element.
    public var statusXML =
        #"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#
    /// The Response's Version attribute.
    public var version = "2.0"
    /// Raw XML inside NameID (so tests can inject comments or elements).
    public var nameIDContent = "alice@example.com"
    /// The NameID's Format.
    public var nameIDFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    /// Extra attributes of the NameID element (qualifiers), as raw XML after its Format.
    public var nameIDAttributes = ""
    /// AuthnStatement's SessionIndex; nil leaves it out.
    public var sessionIndex: String? = "_session-1"
    /// Whether the Assertion has a Conditions element.
    public var includeConditions = true
    /// Conditions' NotBefore; nil leaves it out.
    public var notBefore: Date?
    /// Conditions' NotOnOrAfter; nil leaves it out.
    public var notOnOrAfter: Date?
    /// One AudienceRestriction per inner list, one Audience per string.
    public var audienceRestrictions: [[String]] = [[audience]]
    /// SubjectConfirmation's Method.
    public var confirmationMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    /// SubjectConfirmationData's Recipient; nil leaves it out.
    public var recipient: String? = acs
    /// SubjectConfirmationData's NotOnOrAfter; nil leaves it out.
    public var confirmationNotOnOrAfter: Date?
    /// AuthnStatement's SessionNotOnOrAfter; nil leaves it out.
    public var sessionNotOnOrAfter: Date?
    /// Attribute name → raw XML of each AttributeValue's content.
    public var attributes: [(name: String, values: [String])] = [
        ("email", ["alice@example.com"]), ("given_name", ["Alice"]), ("family_name", ["Liddell"]),
    ]
    /// Extra XML placed in the Response after the Assertion (e.g. a second Assertion).
    public var extraResponseXML = ""
    /// Which elements are signed.
    public var signing = Signing.assertion
    /// The key that signs (``TestKeys/idpRSA`` unless a test forges).
    @_spi(Testing) public var key = TestKeys.idpRSA
    /// Signature and digest algorithms, transforms and key info of the signature.
    @_spi(Testing) public var options = SigningOptions()
    /// When set, the (signed) Assertion is sent as an EncryptedAssertion to ``encryptionCertificateDER``.
    @_spi(Testing) public var encryption: EncryptionOptions?
    /// When set, the NameID is sent as an EncryptedID to ``encryptionCertificateDER``.
    @_spi(Testing) public var nameIDEncryption: EncryptionOptions?
    /// The SP certificate the IdP encrypts to.
    public var encryptionCertificateDER = TestKeys.spDER

    /// A valid Response for ``acs`` from ``idpEntityID``, valid for five minutes from ``now``.
    public init() {
        notBefore = now.addingTimeInterval(-60)
        notOnOrAfter = now.addingTimeInterval(300)
        confirmationNotOnOrAfter = now.addingTimeInterval(300)
    }

    /// The Subject's NameID, or the EncryptedID standing for it.
    private var nameIDXML: String {
        let nameID =
            #"<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Format="\#(nameIDFormat)"\#(nameIDAttributes)>\#(nameIDContent)</saml:NameID>"#
        guard let nameIDEncryption else { return nameID }
        do {
            return try ElementEncryptor.encrypt(
                Array(nameID.utf8), to: encryptionCertificateDER,
                container: QualifiedName(XMLNamespace.samlAssertion, "EncryptedID"), options: nameIDEncryption)
        } catch {
            fatalError("cannot encrypt the NameID: \(error)")
        }
    }

    /// The unsigned Assertion as XML text.
    public var assertionXML: String {
        let t = SAMLTime.format
        var xml =
            #"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\#(assertionID)" Version="2.0" IssueInstant="\#(t(now))">"#
        xml += "<saml:Issuer>\(assertionIssuer)</saml:Issuer>"
        xml +=
            "<saml:Subject>\(nameIDXML)"
        xml += "<saml:SubjectConfirmation Method=\"\(confirmationMethod)\"><saml:SubjectConfirmationData"
        if let recipient { xml += " Recipient=\"\(recipient)\"" }
        if let confirmationNotOnOrAfter { xml += " NotOnOrAfter=\"\(t(confirmationNotOnOrAfter))\"" }
        if let confirmationInResponseTo { xml += " InResponseTo=\"\(confirmationInResponseTo)\"" }
        xml += "/></saml:SubjectConfirmation></saml:Subject>"
        if includeConditions {
            xml += "<saml:Conditions"
            if let notBefore { xml += " NotBefore=\"\(t(notBefore))\"" }
            if let notOnOrAfter { xml += " NotOnOrAfter=\"\(t(notOnOrAfter))\"" }
            xml += ">"
            for restriction in audienceRestrictions {
                xml +=
                    "<saml:AudienceRestriction>"
                    + restriction.map { "<saml:Audience>\($0)</saml:Audience>" }.joined()
                    + "</saml:AudienceRestriction>"
            }
            xml += "</saml:Conditions>"
        }
        xml += "<saml:AuthnStatement AuthnInstant=\"\(t(now))\""
        if let sessionIndex { xml += " SessionIndex=\"\(sessionIndex)\"" }
        if let sessionNotOnOrAfter { xml += " SessionNotOnOrAfter=\"\(t(sessionNotOnOrAfter))\"" }
        xml +=
            "><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
            + "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        if !attributes.isEmpty {
            xml += "<saml:AttributeStatement>"
            for attribute in attributes {
                xml +=
                    "<saml:Attribute Name=\"\(attribute.name)\">"
                    + attribute.values.map { "<saml:AttributeValue>\($0)</saml:AttributeValue>" }.joined()
                    + "</saml:Attribute>"
            }
            xml += "</saml:AttributeStatement>"
        }
        return xml + "</saml:Assertion>"
    }

    /// The unsigned Response (with its Assertion) as XML text.
    public var responseXML: String { responseXML(containing: assertionXML) }

    /// The unsigned Response around `assertion` (an Assertion or EncryptedAssertion) as XML text.
    public func responseXML(containing assertion: String) -> String {
        var xml =
            #"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\#(responseID)" Version="\#(version)" IssueInstant="\#(SAMLTime.format(now))""#
        if let destination { xml += " Destination=\"\(destination)\"" }
        if let responseInResponseTo { xml += " InResponseTo=\"\(responseInResponseTo)\"" }
        xml += ">"
        if let responseIssuer { xml += "<saml:Issuer>\(responseIssuer)</saml:Issuer>" }
        return xml + statusXML + assertion + extraResponseXML + "</samlp:Response>"
    }

    /// The Assertion, signed when ``signing`` says so, then encrypted as an EncryptedAssertion.
    @_spi(Testing) public func encryptedAssertionXML(_ options: EncryptionOptions) throws -> String {
        let document = try LibXMLDocument(parsing: Array(assertionXML.utf8))
        let assertion = document.rootElement
        if signing == .assertion || signing == .both {
            let issuerName = QualifiedName(XMLNamespace.samlAssertion, "Issuer")
            _ = try EnvelopedSigner(key: key, options: self.options).sign(
                assertion, after: assertion.childElements(named: issuerName).first)
        }
        return try ElementEncryptor.encrypt(
            Array(assertion.serializedXML.utf8), to: encryptionCertificateDER,
            container: QualifiedName(XMLNamespace.samlAssertion, "EncryptedAssertion"), options: options)
    }

    /// The signed document as XML text.
    public func signedXML() throws -> String {
        let text = try encryption.map { try responseXML(containing: encryptedAssertionXML($0)) } ?? responseXML
        let document = try LibXMLDocument(parsing: Array(text.utf8))
        let response = document.rootElement
        let issuerName = QualifiedName(XMLNamespace.samlAssertion, "Issuer")
        let signer = EnvelopedSigner(key: key, options: options)
        if signing == .assertion || signing == .both,
            let assertion = response.childElements(named: .samlAssertion).first
        {
            _ = try signer.sign(assertion, after: assertion.childElements(named: issuerName).first)
        }
        if signing == .response || signing == .both {
            _ = try signer.sign(response, after: response.childElements(named: issuerName).first)
        }
        return String(decoding: try document.serialized(), as: UTF8.self)
    }

    /// The signed document, base64-encoded as the POST binding sends it.
    public func encoded() throws -> String {
        Data(try signedXML().utf8).base64EncodedString()
    }

    /// The signed document after a text edit (tampering after signing), base64-encoded.
    public func encoded(tampering edit: (String) -> String) throws -> String {
        Data(edit(try signedXML()).utf8).base64EncodedString()
    }
}
