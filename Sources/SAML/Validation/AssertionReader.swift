import Credentials
import Foundation
import XMLSecurity

/// Reads and checks a verified Assertion: issuer, conditions, subject confirmation, identity (rules 6–8, 10).
///
/// It is given only nodes a signature covered — the verified Assertion, and the Response when the
/// Response was the signed element — and never searches the document again (rule 5).
struct AssertionReader {
    let validator: ResponseValidator
    let assertion: LibXMLElement
    /// The Response, when its signature was the one verified (its attributes are then trustworthy).
    let signedResponse: LibXMLElement?
    /// The Response as received, for consistency checks only (nothing is taken from it as truth).
    let unsignedResponse: LibXMLElement
    let signedElement: VerifiedResponse.SignedElement
    let now: Date

    private var skew: TimeInterval { validator.policy.clockSkew }
    private var provider: ServiceProvider { validator.provider }

    func read() -> Result<VerifiedResponse, Rejection> {
        do throws(Rejection) {
            return .success(try readOrThrow())
        } catch {
            var rejection = error
            if rejection.claimedIdentity == nil, let identity = verifiedIdentity() {
                rejection.claimedIdentity = identity
                rejection.identityVerified = true
            }
            return .failure(rejection)
        }
    }

    /// For the log of a rejection after the signature verified: the identity, when the verified
    /// Assertion's NameID and attributes are readable.
    private func verifiedIdentity() -> String? {
        guard let subject = assertion.firstChildElement(named: SAMLName.subject),
            let (nameID, _) = try? readNameID(subject),
            let attributes = try? IdentityAttributes(assertion: assertion)
        else { return nil }
        return try? checkIdentity(email: attributes.email, nameID: nameID)
    }

    private func readOrThrow() throws(Rejection) -> VerifiedResponse {
        guard let assertionID = assertion.attribute("ID"), !assertionID.isEmpty else {
            throw Rejection(.assertionCount, "the Assertion has no ID")
        }
        let issuer = try checkIssuer()
        let conditionsEnd = try checkConditions()
        let subject = try requireSubject()
        let confirmation = try checkSubjectConfirmation(subject)
        let inResponseTo = try resolveInResponseTo(confirmationValue: confirmation.inResponseTo)
        let (nameID, nameIdentifier) = try readNameID(subject)
        let attributes = try IdentityAttributes(
            assertion: assertion, groupAttributes: validator.policy.groupAttributes)
        let authn = assertion.firstChildElement(named: SAMLName.authnStatement)
        var sessionExpiry = now.addingTimeInterval(validator.policy.sessionLifetime)
        if let limit = authn?.attribute("SessionNotOnOrAfter").flatMap(SAMLTime.parse), limit < sessionExpiry {
            sessionExpiry = limit
        }
        guard sessionExpiry > now else {
            throw Rejection(
                .notOnOrAfter, "the IdP's SessionNotOnOrAfter has passed", expected: "after \(SAMLTime.format(now))",
                actual: SAMLTime.format(sessionExpiry))
        }
        let identity = try checkIdentity(email: attributes.email, nameID: nameID)
        let validityEnd =
            [conditionsEnd, confirmation.notOnOrAfter].compactMap { $0 }.max() ?? confirmation.notOnOrAfter
        let issueInstant =
            (signedResponse ?? unsignedResponse).attribute("IssueInstant").flatMap(SAMLTime.parse)
            ?? assertion.attribute("IssueInstant").flatMap(SAMLTime.parse)
        return VerifiedResponse(
            assertionID: assertionID, inResponseTo: inResponseTo, replayKeepUntil: validityEnd.addingTimeInterval(skew),
            identity: identity, nameID: nameID, nameIdentifier: nameIdentifier, email: attributes.email,
            givenName: attributes.givenName,
            familyName: attributes.familyName, groups: attributes.groups, groupOverage: attributes.groupOverage,
            ambiguousGroupAttributes: attributes.ambiguousGroupAttributes,
            receivedAttributes: attributes.received, sessionIndex: authn?.attribute("SessionIndex"),
            sessionExpiry: sessionExpiry,
            issueInstant: issueInstant, issuer: issuer, signedElement: signedElement)
    }

    /// Rule 6.
    private func checkIssuer() throws(Rejection) -> String? {
        let issuer = try assertion.firstChildElement(named: SAMLName.issuer).map { (element) throws(Rejection) in
            try text(of: element, check: .issuer, what: "Issuer")
        }
        guard let expected = validator.policy.entityID else { return issuer }
        guard issuer == expected else {
            throw Rejection(
                .issuer, "the Assertion's Issuer is not the configured IdP entity ID", expected: expected,
                actual: issuer ?? "none")
        }
        // The Response's Issuer is optional; when present it must agree (read from the Response as received:
        // a mismatch only ever causes a rejection, never acceptance).
        if let responseIssuerElement = unsignedResponse.firstChildElement(named: SAMLName.issuer) {
            let responseIssuer = try text(of: responseIssuerElement, check: .issuer, what: "Response Issuer")
            guard responseIssuer == expected else {
                throw Rejection(
                    .issuer, "the Response's Issuer is not the configured IdP entity ID", expected: expected,
                    actual: responseIssuer)
            }
        }
        return issuer
    }

    /// Rule 7; returns the Conditions' NotOnOrAfter, if any.
    private func checkConditions() throws(Rejection) -> Date? {
        let all = assertion.childElements(named: SAMLName.conditions)
        guard all.count == 1, let conditions = all.first else {
            throw Rejection(
                .conditions, "the Assertion must have one Conditions element", expected: "1",
                actual: String(all.count))
        }
        if let value = conditions.attribute("NotBefore") {
            guard let notBefore = SAMLTime.parse(value) else {
                throw Rejection(.notBefore, "Conditions NotBefore is not a valid time", actual: value)
            }
            guard notBefore <= now.addingTimeInterval(skew) else {
                throw Rejection(
                    .notBefore, "the Assertion is not valid yet (check the clocks)",
                    expected: "NotBefore ≤ \(SAMLTime.format(now)) + \(Int(skew)) s", actual: value)
            }
        }
        var notOnOrAfter: Date?
        if let value = conditions.attribute("NotOnOrAfter") {
            guard let date = SAMLTime.parse(value) else {
                throw Rejection(.notOnOrAfter, "Conditions NotOnOrAfter is not a valid time", actual: value)
            }
            guard date > now.addingTimeInterval(-skew) else {
                throw Rejection(
                    .notOnOrAfter, "the Assertion has expired",
                    expected: "NotOnOrAfter > \(SAMLTime.format(now)) − \(Int(skew)) s", actual: value)
            }
            notOnOrAfter = date
        }
        let restrictions = conditions.childElements(named: SAMLName.audienceRestriction)
        guard !restrictions.isEmpty else {
            throw Rejection(
                .audience, "the Assertion has no AudienceRestriction", expected: provider.audienceURI,
                actual: "none")
        }
        for restriction in restrictions {
            let audiences = try restriction.childElements(named: SAMLName.audience).map { (element) throws(Rejection) in
                try text(of: element, check: .audience, what: "Audience")
            }
            guard audiences.contains(provider.audienceURI) else {
                throw Rejection(
                    .audience, "our Audience URI is not in the AudienceRestriction",
                    expected: provider.audienceURI,
                    actual: audiences.isEmpty ? "none" : audiences.joined(separator: ", "))
            }
        }
        return notOnOrAfter
    }

    /// Rule 8, stateless part: a bearer confirmation for our Post-back URL that has not expired.
    /// The Assertion's one Subject (rules 8 and 10 both read it).
    private func requireSubject() throws(Rejection) -> LibXMLElement {
        let subjects = assertion.childElements(named: SAMLName.subject)
        guard subjects.count == 1, let subject = subjects.first else {
            throw Rejection(
                .subjectConfirmation, "the Assertion must have one Subject", expected: "1",
                actual: String(subjects.count))
        }
        return subject
    }

    private func checkSubjectConfirmation(_ subject: LibXMLElement) throws(Rejection) -> (
        notOnOrAfter: Date, inResponseTo: String?
    ) {
        var recipients: [String] = []
        var lastProblem: Rejection?
        for confirmation in subject.childElements(named: SAMLName.subjectConfirmation)
        where confirmation.attribute("Method") == SAMLName.bearerMethod {
            for data in confirmation.childElements(named: SAMLName.subjectConfirmationData) {
                let recipient = data.attribute("Recipient")
                recipients.append(recipient ?? "none")
                guard recipient == provider.postbackURL else { continue }
                guard let value = data.attribute("NotOnOrAfter"), let notOnOrAfter = SAMLTime.parse(value) else {
                    lastProblem = Rejection(
                        .subjectConfirmation, "the bearer SubjectConfirmationData has no valid NotOnOrAfter")
                    continue
                }
                guard notOnOrAfter > now.addingTimeInterval(-skew) else {
                    lastProblem = Rejection(
                        .notOnOrAfter, "the bearer SubjectConfirmationData has expired",
                        expected: "NotOnOrAfter > \(SAMLTime.format(now)) − \(Int(skew)) s", actual: value)
                    continue
                }
                return (notOnOrAfter, data.attribute("InResponseTo"))
            }
        }
        if let lastProblem { throw lastProblem }
        throw Rejection(
            .subjectConfirmation, "no bearer SubjectConfirmation for our Post-back URL",
            expected: "Recipient \(provider.postbackURL)",
            actual: recipients.isEmpty ? "none" : recipients.joined(separator: ", "))
    }

    /// Rule 8: InResponseTo from signed places only; the Response's copy must agree with the signed one.
    private func resolveInResponseTo(confirmationValue: String?) throws(Rejection) -> String? {
        let responseValue = unsignedResponse.attribute("InResponseTo")
        if let responseValue, let confirmationValue, responseValue != confirmationValue {
            throw Rejection(
                .inResponseTo, "the Response and the SubjectConfirmationData name different requests",
                expected: confirmationValue, actual: responseValue)
        }
        if let confirmationValue { return confirmationValue }
        guard let responseValue else { return nil }
        // Only on the Response: trustworthy only when the Response itself was the signed element.
        guard signedResponse != nil else {
            throw Rejection(
                .inResponseTo,
                "InResponseTo appears only on the unsigned Response; it must be in the signed SubjectConfirmationData",
                actual: responseValue)
        }
        return responseValue
    }

    /// Rule 10: the identity — the email attribute if sent, else the NameID — holds no white space
    /// or control character once its XML white space is trimmed (see `Identity`).
    private func checkIdentity(email: String?, nameID: String) throws(Rejection) -> String {
        let (candidate, check, what) =
            email.map { ($0, ValidationCheck.attribute, "email attribute") } ?? (nameID, .nameID, "NameID")
        do {
            return try Identity.normalized(candidate)
        } catch {
            throw Rejection(check, "the \(what) cannot be an identity: \(error)", actual: candidate)
        }
    }

    /// Rule 10: one NameID holding exactly one text node.
    /// The NameID's trimmed value (the identity) and the NameID as sent (for a later Single Logout).
    private func readNameID(_ subject: LibXMLElement) throws(Rejection) -> (String, NameIdentifier) {
        let nameIDs = subject.childElements(named: SAMLName.nameID)
        let encryptedIDs = subject.childElements(named: SAMLName.encryptedID)
        guard nameIDs.count + encryptedIDs.count == 1, let candidate = nameIDs.first ?? encryptedIDs.first else {
            throw Rejection(
                .nameID, "the Subject must have exactly one NameID or EncryptedID", expected: "1",
                actual: String(nameIDs.count + encryptedIDs.count))
        }
        // Rule 3: an EncryptedID stands for the NameID it decrypts to (the Subject around it was verified).
        let element =
            try candidate.hasName(SAMLName.encryptedID)
            ? validator.decrypt(candidate, expecting: SAMLName.nameID).get() : candidate
        let raw: String
        switch element.singleTextNode() {
        case .success(let text): raw = text
        case .failure(let problem): throw Rejection(.nameID, "the NameID must be plain text: it \(problem)")
        }
        let value = raw.trimmingXMLWhitespace()
        guard !value.isEmpty else { throw Rejection(.nameID, "the NameID is empty") }
        return (value, NameIdentifier(element: element, text: raw))
    }

    private func text(of element: LibXMLElement, check: ValidationCheck, what: String) throws(Rejection) -> String {
        switch element.singleTextNode() {
        case .success(let text): return text.trimmingXMLWhitespace()
        case .failure(let problem):
            throw Rejection(check, "the \(what) must be plain text: it \(problem)")
        }
    }
}
