import Foundation
import SAML
import XMLSecurity

/// Builds SAML Responses for the attack battery: a valid one by default, every part adjustable,
/// signed with xmlsec like a real IdP would, then optionally tampered with as text.
public struct ResponseBuilder {
    public static let acs = "https://help.example.com/sso/acme/acs"
    public static let audience = "https://help.example.com/sso/acme/metadata"
    public static let idpEntityID = "https://idp.example.com/saml"

    public enum Signing: Sendable { case assertion, response, both, none }

    public var now = Date(timeIntervalSince1970: 1_796_054_400)  // 2026-11-30T16:00:00Z
    public var responseID = "_resp-" + UUID().uuidString
    public var assertionID = "_assert-" + UUID().uuidString
    public var destination: String? = acs
    public var responseInResponseTo: String?
    public var confirmationInResponseTo: String?
    public var responseIssuer: String? = idpEntityID
    public var assertionIssuer = idpEntityID
    public var statusXML = #"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#
    public var version = "2.0"
    /// Raw XML inside NameID (so tests can inject comments or elements).
    public var nameIDContent = "alice@example.com"
    public var includeConditions = true
    public var notBefore: Date?
    public var notOnOrAfter: Date?
    public var audienceRestrictions: [[String]] = [[audience]]
    public var confirmationMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    public var recipient: String? = acs
    public var confirmationNotOnOrAfter: Date?
    public var sessionNotOnOrAfter: Date?
    /// Attribute name → raw XML of each AttributeValue's content.
    public var attributes: [(name: String, values: [String])] = [
        ("email", ["alice@example.com"]), ("given_name", ["Alice"]), ("family_name", ["Liddell"]),
    ]
    /// Extra XML placed in the Response after the Assertion (e.g. a second Assertion).
    public var extraResponseXML = ""
    public var signing = Signing.assertion
    public var key = TestKeys.idpRSA
    public var options = SigningOptions()

    public init() {
        notBefore = now.addingTimeInterval(-60)
        notOnOrAfter = now.addingTimeInterval(300)
        confirmationNotOnOrAfter = now.addingTimeInterval(300)
    }

    public var assertionXML: String {
        let t = SAMLTime.format
        var xml = #"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\#(assertionID)" Version="2.0" IssueInstant="\#(t(now))">"#
        xml += "<saml:Issuer>\(assertionIssuer)</saml:Issuer>"
        xml += "<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">\(nameIDContent)</saml:NameID>"
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
                xml += "<saml:AudienceRestriction>"
                    + restriction.map { "<saml:Audience>\($0)</saml:Audience>" }.joined() + "</saml:AudienceRestriction>"
            }
            xml += "</saml:Conditions>"
        }
        xml += "<saml:AuthnStatement AuthnInstant=\"\(t(now))\" SessionIndex=\"_session-1\""
        if let sessionNotOnOrAfter { xml += " SessionNotOnOrAfter=\"\(t(sessionNotOnOrAfter))\"" }
        xml += "><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password"
            + "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        if !attributes.isEmpty {
            xml += "<saml:AttributeStatement>"
            for attribute in attributes {
                xml += "<saml:Attribute Name=\"\(attribute.name)\">"
                    + attribute.values.map { "<saml:AttributeValue>\($0)</saml:AttributeValue>" }.joined()
                    + "</saml:Attribute>"
            }
            xml += "</saml:AttributeStatement>"
        }
        return xml + "</saml:Assertion>"
    }

    public var responseXML: String {
        var xml = #"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\#(responseID)" Version="\#(version)" IssueInstant="\#(SAMLTime.format(now))""#
        if let destination { xml += " Destination=\"\(destination)\"" }
        if let responseInResponseTo { xml += " InResponseTo=\"\(responseInResponseTo)\"" }
        xml += ">"
        if let responseIssuer { xml += "<saml:Issuer>\(responseIssuer)</saml:Issuer>" }
        return xml + statusXML + assertionXML + extraResponseXML + "</samlp:Response>"
    }

    /// The signed document as XML text.
    public func signedXML() throws -> String {
        let document = try XMLDocument(parsing: Array(responseXML.utf8))
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

/// A ledger in memory, standing in for the store's request and replay tables.
public final class MemoryLedger: RequestLedger {
    public var pending: [String: String?] = [:]
    public var seen: Set<String> = []

    public init() {}

    public func consumeRequest(id requestID: String, now: Date) throws -> String?? {
        guard let returnPath = pending.removeValue(forKey: requestID) else { return nil }
        return .some(returnPath)
    }

    public func recordAssertion(id assertionID: String, keepUntil: Date) throws -> Bool {
        seen.insert(assertionID).inserted
    }
}
