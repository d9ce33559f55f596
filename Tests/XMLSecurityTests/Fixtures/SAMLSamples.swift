import Foundation
@_spi(Testing) import XMLSecurity

/// SAML-shaped documents for signature tests (content realistic, values fixed).
enum SAMLSamples {
    static let responseID = "_resp-7f3a9c"
    static let assertionID = "_assert-4b21de"

    /// An unsigned Response with one Assertion, ~2.5 KB before signing (≈ 4 KB once both are signed).
    static func response(assertionID: String = assertionID, nameID: String = "alice@example.com") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
        xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(responseID)" Version="2.0" \
        IssueInstant="2024-05-01T10:00:00Z" Destination="https://help.example.com/sso/acme/acs" \
        InResponseTo="_req-123">
          <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>
          <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
          <saml:Assertion ID="\(assertionID)" Version="2.0" IssueInstant="2024-05-01T10:00:00Z">
            <saml:Issuer>https://idp.example.com/metadata</saml:Issuer>
            <saml:Subject>
              <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">\(nameID)</saml:NameID>
              <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
                <saml:SubjectConfirmationData NotOnOrAfter="2024-05-01T10:05:00Z" \
        Recipient="https://help.example.com/sso/acme/acs" InResponseTo="_req-123"/>
              </saml:SubjectConfirmation>
            </saml:Subject>
            <saml:Conditions NotBefore="2024-05-01T09:59:00Z" NotOnOrAfter="2024-05-01T10:05:00Z">
              <saml:AudienceRestriction>
                <saml:Audience>https://help.example.com/sso/acme/metadata</saml:Audience>
              </saml:AudienceRestriction>
            </saml:Conditions>
            <saml:AuthnStatement AuthnInstant="2024-05-01T10:00:00Z" SessionIndex="_session-99">
              <saml:AuthnContext>
                <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
              </saml:AuthnContext>
            </saml:AuthnStatement>
            <saml:AttributeStatement>
              <saml:Attribute Name="email" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
                <saml:AttributeValue>alice@example.com</saml:AttributeValue>
              </saml:Attribute>
              <saml:Attribute Name="given_name" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
                <saml:AttributeValue>Alice</saml:AttributeValue>
              </saml:Attribute>
              <saml:Attribute Name="family_name" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">
                <saml:AttributeValue>Liddell</saml:AttributeValue>
              </saml:Attribute>
            </saml:AttributeStatement>
          </saml:Assertion>
        </samlp:Response>
        """
    }

    static let issuer = QualifiedName(XMLNamespace.samlAssertion, "Issuer")
}

extension LibXMLDocument {
    /// Parses a test string (tests only: traps on failure).
    static func parse(_ text: String) throws -> LibXMLDocument {
        try LibXMLDocument(parsing: Array(text.utf8))
    }

    /// The first element below the root (or the root) with this name.
    func first(_ name: QualifiedName) -> LibXMLElement? {
        ([rootElement] + rootElement.descendantElements).first { $0.hasName(name) }
    }

    /// The serialized document as a String.
    func text() throws -> String {
        String(decoding: try serialized(), as: UTF8.self)
    }
}

/// Builders for signed documents used across the signature tests.
enum Signed {
    /// The sample Response with its Assertion signed (Signature right after the Assertion's Issuer).
    static func assertion(
        by identity: TestIdentity = Identities.idpRSA, options: SigningOptions = SigningOptions(),
        in xml: String = SAMLSamples.response()
    ) throws -> String {
        let document = try LibXMLDocument.parse(xml)
        let assertion = try required(document.first(.samlAssertion), "an Assertion")
        let issuer = assertion.childElements(named: SAMLSamples.issuer).first
        try EnvelopedSigner(key: identity.signingKey(), options: options).sign(assertion, after: issuer)
        return try document.text()
    }

    /// The sample Response signed as a whole (and its Assertion too when `alsoAssertion`).
    static func response(by identity: TestIdentity = Identities.idpRSA, alsoAssertion: Bool = false) throws -> String {
        let xml = alsoAssertion ? try assertion(by: identity) : SAMLSamples.response()
        let document = try LibXMLDocument.parse(xml)
        let response = document.rootElement
        let issuer = response.childElements(named: SAMLSamples.issuer).first
        try EnvelopedSigner(key: identity.signingKey()).sign(response, after: issuer)
        return try document.text()
    }

    /// Parses `xml` and verifies the signature on its (first) Assertion.
    static func verifyAssertion(
        _ xml: String, keys: TrustedKeys? = nil, policy: SignaturePolicy = SignaturePolicy()
    ) throws -> SignatureVerification {
        let document = try LibXMLDocument.parse(xml)
        let verifier = SignatureVerifier(keys: try keys ?? Identities.idpRSA.trustedKeys(), policy: policy)
        return verifier.verifyEnvelopedSignature(on: try required(document.first(.samlAssertion), "an Assertion"))
    }
}

extension String {
    /// The substring from the first `start` through the matching first `end` after it.
    func slice(from start: String, through end: String) -> Substring? {
        guard let lower = range(of: start), let upper = self[lower.upperBound...].range(of: end) else { return nil }
        return self[lower.lowerBound..<upper.upperBound]
    }

    /// The first `start` … `end` section as a String, or a thrown `FixtureError` when it is missing.
    func section(from start: String, through end: String) throws -> String {
        String(try required(slice(from: start, through: end), "\(start)…\(end)"))
    }

    /// This string with the content of the first `ds:X509Certificate` replaced (KeyInfo is unsigned).
    func replacingCertificate(with base64: String) -> String {
        guard let certificate = slice(from: "<ds:X509Certificate>", through: "</ds:X509Certificate>") else {
            return self
        }
        return replacingFirst(String(certificate), with: "<ds:X509Certificate>\(base64)</ds:X509Certificate>")
    }

    /// This string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

/// A test fixture did not contain what the test needs.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// `value`, or a `FixtureError` naming what was missing.
func required<Value>(_ value: Value?, _ what: String) throws -> Value {
    guard let value else { throw FixtureError(description: "fixture has no \(what)") }
    return value
}
