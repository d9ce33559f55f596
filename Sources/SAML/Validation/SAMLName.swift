import XMLSecurity

/// The SAML element names the validator reads, as namespace-qualified names (prefixes mean nothing).
enum SAMLName {
    static let response = QualifiedName.samlResponse
    static let assertion = QualifiedName.samlAssertion
    static let encryptedAssertion = QualifiedName(XMLNamespace.samlAssertion, "EncryptedAssertion")
    /// What rule 3 counts: an Assertion in the clear or encrypted.
    static let assertionForms = [assertion, encryptedAssertion]
    static let issuer = QualifiedName(XMLNamespace.samlAssertion, "Issuer")
    static let status = QualifiedName(XMLNamespace.samlProtocol, "Status")
    static let statusCode = QualifiedName(XMLNamespace.samlProtocol, "StatusCode")
    static let statusMessage = QualifiedName(XMLNamespace.samlProtocol, "StatusMessage")
    static let subject = QualifiedName(XMLNamespace.samlAssertion, "Subject")
    static let nameID = QualifiedName(XMLNamespace.samlAssertion, "NameID")
    static let encryptedID = QualifiedName(XMLNamespace.samlAssertion, "EncryptedID")
    static let subjectConfirmation = QualifiedName(XMLNamespace.samlAssertion, "SubjectConfirmation")
    static let subjectConfirmationData = QualifiedName(XMLNamespace.samlAssertion, "SubjectConfirmationData")
    static let conditions = QualifiedName(XMLNamespace.samlAssertion, "Conditions")
    static let audienceRestriction = QualifiedName(XMLNamespace.samlAssertion, "AudienceRestriction")
    static let audience = QualifiedName(XMLNamespace.samlAssertion, "Audience")
    static let authnStatement = QualifiedName(XMLNamespace.samlAssertion, "AuthnStatement")
    static let attributeStatement = QualifiedName(XMLNamespace.samlAssertion, "AttributeStatement")
    static let attribute = QualifiedName(XMLNamespace.samlAssertion, "Attribute")
    static let attributeValue = QualifiedName(XMLNamespace.samlAssertion, "AttributeValue")

    static let logoutRequest = QualifiedName(XMLNamespace.samlProtocol, "LogoutRequest")
    static let logoutResponse = QualifiedName(XMLNamespace.samlProtocol, "LogoutResponse")
    static let sessionIndex = QualifiedName(XMLNamespace.samlProtocol, "SessionIndex")
    static let baseID = QualifiedName(XMLNamespace.samlAssertion, "BaseID")
    /// How a LogoutRequest may name its user (core §3.7.1): one of these.
    static let identifierForms = [nameID, encryptedID, baseID]

    static let successStatus = "urn:oasis:names:tc:SAML:2.0:status:Success"
    static let bearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
}
