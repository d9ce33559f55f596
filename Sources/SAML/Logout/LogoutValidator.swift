import Credentials
import Foundation
import XMLSecurity

/// Decides whether a Single Logout message at `…/slo` comes from the account's IdP (SAML profiles
/// §4.4): a LogoutRequest asking us to end sessions, or the LogoutResponse to ours.
///
/// Nothing is acted on unless signed by a configured IdP certificate: an unsigned LogoutRequest would
/// let any site sign any user out (a forced-logout attack), and an unsigned LogoutResponse proves
/// nothing. HTTP-Redirect messages are verified over the query octets as received
/// (``RedirectQuery``), HTTP-POST messages by their enveloped XML signature; in both cases only the
/// covered message is read. It shares the account's ``ResponseValidator`` (its keys, policy and SP
/// keys for an EncryptedID), so it costs nothing to build.
public struct LogoutValidator: Sendable {
    let base: ResponseValidator

    /// A validator with `validator`'s keys, policy and decryption keys.
    public init(_ validator: ResponseValidator) {
        self.base = validator
    }

    /// How long a LogoutRequest without NotOnOrAfter is taken after its IssueInstant (and its ID kept).
    public static let unboundedRequestLifetime: TimeInterval = 600

    /// The most SessionIndex elements one request may name.
    static let maximumSessionIndexes = 32

    /// The longest RelayState echoed back; longer ones are dropped (the binding allows 80 bytes).
    static let maximumRelayStateBytes = 1024

    private var provider: ServiceProvider { base.provider }
    private var skew: TimeInterval { base.policy.clockSkew }

    /// Checks a message sent by HTTP-Redirect; `query` is the request's query string as received.
    public func verify(redirectQuery query: String, now: Date) -> Result<LogoutMessage, Rejection> {
        let parsed: RedirectQuery
        do {
            parsed = try RedirectQuery(query: query)
        } catch {
            return .failure(Rejection(.missingMessage, "the Single Logout URL got no usable message: \(error)"))
        }
        guard let encoded = URLEncoding.formValue(parsed.encodedMessage), let deflated = StrictBase64.decode(encoded)
        else {
            return .failure(Rejection(.base64, "\(parsed.parameter.rawValue) is not valid base64"))
        }
        guard let xml = RawDeflate.decompress(deflated, limit: ParsingLimits.saml.maxBytes) else {
            return .failure(
                Rejection(
                    .deflate,
                    "\(parsed.parameter.rawValue) does not inflate to at most \(ParsingLimits.saml.maxBytes) bytes"))
        }
        let root: LibXMLElement
        switch parse(xml, parameter: parsed.parameter) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let element): root = element
        }
        guard let octets = parsed.signedOctets,
            let algorithm = URLEncoding.formValue(parsed.encodedSignatureAlgorithm ?? ""),
            let signatureText = parsed.encodedSignature.flatMap(URLEncoding.formValue)
        else {
            return .failure(
                Rejection(
                    .signature, "the \(root.localName) is not signed (no SigAlg and Signature in the query)",
                    expected: "a signature", actual: "none"))
        }
        guard let signature = StrictBase64.decode(signatureText) else {
            return .failure(Rejection(.signature, "the query's Signature is not valid base64"))
        }
        let verifier = DetachedSignatureVerifier(keys: base.verifier.keys, policy: base.verifier.policy)
        if case .failure(let failure) = verifier.verify(octets: octets, signature: signature, algorithmURI: algorithm) {
            return .failure(base.signatureRejection(failure, on: "\(root.localName) query"))
        }
        let relayState = parsed.encodedRelayState.flatMap(URLEncoding.formValue)
        return read(root, binding: .redirect, relayState: relayState, now: now)
    }

    /// Checks a message sent by HTTP-POST: the form's `SAMLRequest` or `SAMLResponse` and `RelayState`.
    public func verify(
        postedRequest: String?, postedResponse: String?, relayState: String?, now: Date
    ) -> Result<LogoutMessage, Rejection> {
        let parameter: RedirectBinding.Parameter
        let value: String
        switch (postedRequest, postedResponse) {
        case (let request?, nil):
            (parameter, value) = (.request, request)
        case (nil, let response?):
            (parameter, value) = (.response, response)
        default:
            return .failure(
                Rejection(.missingMessage, "the POST must carry exactly one of SAMLRequest and SAMLResponse"))
        }
        guard let xml = StrictBase64.decode(value) else {
            return .failure(Rejection(.base64, "\(parameter.rawValue) is not valid base64"))
        }
        let root: LibXMLElement
        switch parse(xml, parameter: parameter) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let element): root = element
        }
        switch base.verifier.verifyEnvelopedSignature(on: root) {
        case .invalid(.noSignature):
            return .failure(
                Rejection(
                    .signature, "the \(root.localName) is not signed", expected: "a signature", actual: "none"))
        case .invalid(let failure):
            return .failure(base.signatureRejection(failure, on: root.localName))
        case .valid(let signature):
            guard signature.element == root else {
                return .failure(Rejection(.signature, "the signature does not cover the \(root.localName)"))
            }
            return read(signature.element, binding: .post, relayState: relayState, now: now)
        }
    }

    /// Rule 1's parsing, and the root a `parameter` must carry.
    private func parse(_ xml: [UInt8], parameter: RedirectBinding.Parameter) -> Result<LibXMLElement, Rejection> {
        let root: LibXMLElement
        switch ResponseValidator.parse(xml, field: parameter.rawValue) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let element): root = element
        }
        let expected = parameter == .request ? SAMLName.logoutRequest : SAMLName.logoutResponse
        guard root.hasName(expected) else {
            return .failure(
                Rejection(
                    .root, "\(parameter.rawValue) does not carry a SAML 2.0 \(expected.localName)",
                    expected: "samlp:\(expected.localName)", actual: root.name.description))
        }
        return .success(root)
    }

    /// The checks shared by both bindings, on the verified message.
    private func read(
        _ message: LibXMLElement, binding: SSOBinding, relayState: String?, now: Date
    ) -> Result<LogoutMessage, Rejection> {
        do throws(Rejection) {
            let content: LogoutMessage.Content
            if message.hasName(SAMLName.logoutRequest) {
                content = .request(try readRequest(message, now: now))
            } else {
                content = .response(try readResponse(message, now: now))
            }
            let echoed = relayState.flatMap { $0.utf8.count <= Self.maximumRelayStateBytes ? $0 : nil }
            return .success(LogoutMessage(content: content, binding: binding, relayState: echoed))
        } catch {
            return .failure(error)
        }
    }

    private func readRequest(_ request: LibXMLElement, now: Date) throws(Rejection) -> VerifiedLogoutRequest {
        let (issuer, issueInstant) = try checkEnvelope(request, now: now)
        guard let id = request.attribute("ID"), !id.isEmpty else {
            throw Rejection(.root, "the LogoutRequest has no ID")
        }
        let validUntil: Date
        if let value = request.attribute("NotOnOrAfter") {
            guard let notOnOrAfter = SAMLTime.parse(value) else {
                throw Rejection(.notOnOrAfter, "the LogoutRequest's NotOnOrAfter is not a valid time", actual: value)
            }
            validUntil = notOnOrAfter
        } else {
            validUntil = issueInstant.addingTimeInterval(Self.unboundedRequestLifetime)
        }
        guard now < validUntil.addingTimeInterval(skew) else {
            throw Rejection(
                .notOnOrAfter, "the LogoutRequest has expired",
                expected: "before \(SAMLTime.format(validUntil)) + "
                    + "\(Int(skew)) s", actual: SAMLTime.format(now))
        }
        let nameID = try readNameID(request)
        let indexes = request.childElements(named: SAMLName.sessionIndex)
        guard indexes.count <= Self.maximumSessionIndexes else {
            throw Rejection(
                .root, "the LogoutRequest names too many sessions", expected: "at most \(Self.maximumSessionIndexes)",
                actual: String(indexes.count))
        }
        let sessionIndexes = try indexes.map { (element) throws(Rejection) in
            try text(of: element, check: .root, what: "SessionIndex").trimmingXMLWhitespace()
        }
        return VerifiedLogoutRequest(
            id: id, issuer: issuer, nameID: nameID, sessionIndexes: sessionIndexes,
            replayKeepUntil: validUntil.addingTimeInterval(skew))
    }

    private func readResponse(_ response: LibXMLElement, now: Date) throws(Rejection) -> VerifiedLogoutResponse {
        let (issuer, _) = try checkEnvelope(response, now: now)
        guard let inResponseTo = response.attribute("InResponseTo"), !inResponseTo.isEmpty else {
            throw Rejection(.inResponseTo, "the LogoutResponse names no request (InResponseTo)")
        }
        let status = response.firstChildElement(named: SAMLName.status)
        let code = status?.firstChildElement(named: SAMLName.statusCode)
        let value = code?.attribute("Value")
        let nested = code?.firstChildElement(named: SAMLName.statusCode)?.attribute("Value")
        let message = status?.firstChildElement(named: SAMLName.statusMessage).flatMap {
            try? $0.singleTextNode().get()
        }
        let described = [value ?? "no status", nested, message.map { "\"\($0)\"" }].compactMap { $0 }
            .joined(separator: " ")
        return VerifiedLogoutResponse(
            inResponseTo: inResponseTo, issuer: issuer, succeeded: value == SAMLName.successStatus,
            status: String(described.prefix(512)))
    }

    /// Version, Destination (required: the message is signed, bindings §3.4.5.2 and §3.5.5.2),
    /// Issuer (the configured IdP entity ID when set) and IssueInstant (not in the future).
    private func checkEnvelope(_ message: LibXMLElement, now: Date) throws(Rejection) -> (String, Date) {
        guard message.attribute("Version") == "2.0" else {
            throw Rejection(
                .root, "unsupported SAML version", expected: "2.0", actual: message.attribute("Version") ?? "none")
        }
        let destination = message.attribute("Destination")
        guard destination == provider.sloURL else {
            throw Rejection(
                .destination, "the \(message.localName)'s Destination is not our Single Logout URL",
                expected: provider.sloURL, actual: destination ?? "none")
        }
        let issuers = message.childElements(named: SAMLName.issuer)
        guard issuers.count == 1, let issuerElement = issuers.first else {
            throw Rejection(
                .issuer, "the \(message.localName) must have one Issuer", expected: "1", actual: String(issuers.count))
        }
        let issuer = try text(of: issuerElement, check: .issuer, what: "Issuer").trimmingXMLWhitespace()
        if let expected = base.policy.entityID, issuer != expected {
            throw Rejection(
                .issuer, "the \(message.localName)'s Issuer is not the configured IdP entity ID", expected: expected,
                actual: issuer)
        }
        guard let value = message.attribute("IssueInstant"), let issueInstant = SAMLTime.parse(value) else {
            throw Rejection(.root, "the \(message.localName) has no valid IssueInstant")
        }
        guard issueInstant <= now.addingTimeInterval(skew) else {
            throw Rejection(
                .notBefore, "the \(message.localName) was issued in the future (check the clocks)",
                expected: "IssueInstant ≤ \(SAMLTime.format(now)) + \(Int(skew)) s", actual: value)
        }
        return (issuer, issueInstant)
    }

    /// The one NameID (or EncryptedID, decrypted with the SP keys) the request names.
    private func readNameID(_ request: LibXMLElement) throws(Rejection) -> NameIdentifier {
        let candidates = request.childElements(namedAnyOf: SAMLName.identifierForms)
        guard candidates.count == 1, let candidate = candidates.first else {
            throw Rejection(
                .nameID, "the LogoutRequest must name the user with one NameID or EncryptedID", expected: "1",
                actual: String(candidates.count))
        }
        guard !candidate.hasName(SAMLName.baseID) else {
            throw Rejection(.nameID, "the LogoutRequest names the user with a BaseID, which samlgate does not use")
        }
        let element =
            try candidate.hasName(SAMLName.encryptedID)
            ? base.decrypt(candidate, expecting: SAMLName.nameID).get() : candidate
        let value = try text(of: element, check: .nameID, what: "NameID")
        guard !value.trimmingXMLWhitespace().isEmpty else { throw Rejection(.nameID, "the NameID is empty") }
        return NameIdentifier(element: element, text: value)
    }

    private func text(of element: LibXMLElement, check: ValidationCheck, what: String) throws(Rejection) -> String {
        switch element.singleTextNode() {
        case .success(let text): return text
        case .failure(let problem): throw Rejection(check, "the \(what) must be plain text: it \(problem)")
        }
    }
}
