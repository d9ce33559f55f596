import Credentials
import Foundation
import XMLSecurity

/// Decides whether one SAMLResponse proves who the user is (the ACS rules, see ``ValidationCheck``).
///
/// Build one per account and settings version — it loads the IdP keys once — and share it between
/// threads. ``verify(samlResponse:now:)`` is pure (input, settings, clock → verified response or
/// rejection); ``complete(_:ledger:now:)`` adds the two stateful rules through a ``RequestLedger``,
/// so callers can run those inside the same transaction that creates the session.
public struct ResponseValidator: Sendable {
    /// Our URLs, from the account's base URL.
    public let provider: ServiceProvider
    /// What the account accepts.
    public let policy: IdentityProviderPolicy
    let verifier: SignatureVerifier
    /// Opens EncryptedAssertions and EncryptedIDs with the account's SP keys.
    let decryptor: ElementDecryptor

    /// Loads the IdP certificates' keys once; `decryptionKeys` are the account's SP keys (`active`,
    /// `next`, `retired`), already loaded, for encrypted assertions.
    /// - Throws: `XMLSecurityError.invalidKey` when a stored certificate carries no usable RSA or EC key.
    public init(
        provider: ServiceProvider, policy: IdentityProviderPolicy, certificatesDER: [[UInt8]],
        decryptionKeys: [DecryptionKey] = []
    ) throws {
        self.provider = provider
        self.policy = policy
        self.verifier = SignatureVerifier(
            keys: try TrustedKeys(certificatesDER: certificatesDER),
            policy: SignaturePolicy(allowSHA1: policy.allowSHA1))
        self.decryptor = ElementDecryptor(keys: decryptionKeys)
    }

    /// Applies every stateless rule to the `SAMLResponse` form value (base64).
    public func verify(samlResponse: String?, now: Date) -> Result<VerifiedResponse, Rejection> {
        guard let samlResponse, !samlResponse.isEmpty else {
            return .failure(Rejection(.missingResponse, "the POST has no SAMLResponse field"))
        }
        guard let xml = StrictBase64.decode(samlResponse) else {
            return .failure(Rejection(.base64, "SAMLResponse is not valid base64"))
        }
        let response: LibXMLElement
        switch Self.parse(xml, field: "SAMLResponse") {
        case .failure(let rejection): return .failure(rejection)
        case .success(let root): response = root
        }
        return verify(response: response, now: now).mapError { rejection in
            // Only for rejections: what the message claimed, for the sign-in log (never trusted).
            let context = ResponseContext(response: response)
            var annotated = rejection
            annotated.issueInstant = rejection.issueInstant ?? context.issueInstant
            annotated.claimedIdentity = rejection.claimedIdentity ?? context.claimedIdentity
            return annotated
        }
    }

    /// Rule 1's parsing of a SAML message received in `field`: the document's root, or the ``ValidationCheck/xml``
    /// rejection.
    static func parse(_ xml: [UInt8], field: String) -> Result<LibXMLElement, Rejection> {
        do {
            return .success(try LibXMLDocument(parsing: xml, limits: .saml).rootElement)
        } catch {
            return .failure(Rejection(.xml, "\(field) is not acceptable XML: \(error)"))
        }
    }

    /// What is known about the message for the sign-in log even when it is rejected (never trusted).
    struct ResponseContext {
        var issueInstant: Date?
        var claimedIdentity: String?

        init(response: LibXMLElement) {
            issueInstant = response.attribute("IssueInstant").flatMap(SAMLTime.parse)
            let assertions = response.childElements(named: SAMLName.assertion)
            if assertions.count == 1, let assertion = assertions.first {
                if issueInstant == nil { issueInstant = assertion.attribute("IssueInstant").flatMap(SAMLTime.parse) }
                let nameID = assertion.firstChildElement(named: SAMLName.subject)?.firstChildElement(
                    named: SAMLName.nameID)
                claimedIdentity = nameID.flatMap { try? $0.singleTextNode().get() }?.trimmingXMLWhitespace()
            }
        }
    }

    private func verify(response: LibXMLElement, now: Date) -> Result<VerifiedResponse, Rejection> {
        // Rule 2: a SAML 2.0 Response for us that reports success.
        guard response.hasName(SAMLName.response) else {
            return .failure(
                Rejection(
                    .root, "the message is not a SAML 2.0 Response", expected: "samlp:Response",
                    actual: response.name.description))
        }
        guard response.attribute("Version") == "2.0" else {
            return .failure(
                Rejection(
                    .root, "unsupported SAML version", expected: "2.0", actual: response.attribute("Version") ?? "none")
            )
        }
        let destination = response.attribute("Destination")
        if let destination, destination != provider.postbackURL {
            return .failure(
                Rejection(
                    .destination, "the Response's Destination is not our Post-back URL", expected: provider.postbackURL,
                    actual: destination))
        }
        // Bindings §3.5.5.2: a Response that carries a signature must say where it was meant to go,
        // whether or not its Assertion is signed too (an unsigned Response is covered by the signed Recipient).
        if destination == nil, response.firstChildElement(named: QualifiedName.signature) != nil {
            return .failure(
                Rejection(
                    .destination, "a signed Response must carry a Destination", expected: provider.postbackURL,
                    actual: "none"))
        }
        if let failure = checkStatus(of: response) { return .failure(failure) }

        // Rule 3: exactly one Assertion or EncryptedAssertion in the whole document, directly inside the
        // Response (the Response itself was checked above, so only its descendants can be either).
        let found = response.descendantElements(namedAnyOf: SAMLName.assertionForms)
        let encrypted = found.filter { $0.hasName(SAMLName.encryptedAssertion) }
        let plain = found.filter { !$0.hasName(SAMLName.encryptedAssertion) }
        guard found.count == 1, let assertion = found.first else {
            return .failure(
                Rejection(
                    .assertionCount, "the Response must contain exactly one Assertion or EncryptedAssertion",
                    expected: "1",
                    actual: encrypted.isEmpty
                        ? String(plain.count) : "\(plain.count) Assertion(s), \(encrypted.count) EncryptedAssertion(s)")
            )
        }
        guard assertion.parent == response else {
            return .failure(
                Rejection(.assertionCount, "the \(assertion.localName) is not a direct child of the Response"))
        }

        // Rules 4 and 5: a signature we trust, and from here on only the verified nodes are read.
        let verified: Result<(LibXMLElement, VerifiedResponse.SignedElement), Rejection>
        if encrypted.isEmpty {
            if policy.requireEncryption {
                return .failure(
                    Rejection(
                        .encryptionRequired,
                        "this account requires encrypted assertions; the IdP sent one in the clear",
                        expected: "EncryptedAssertion", actual: "Assertion"))
            }
            verified = verifySignatures(response: response, assertion: assertion)
        } else {
            verified = decryptAndVerify(response: response, encryptedAssertion: assertion)
        }
        let verifiedAssertion: LibXMLElement
        let signedElement: VerifiedResponse.SignedElement
        switch verified {
        case .failure(let rejection): return .failure(rejection)
        case .success(let result): (verifiedAssertion, signedElement) = result
        }
        let verifiedResponse = signedElement == .response ? response : nil
        return AssertionReader(
            validator: self, assertion: verifiedAssertion, signedResponse: verifiedResponse, unsignedResponse: response,
            signedElement: signedElement, now: now
        ).read()
    }

    /// Rule 3 for an EncryptedAssertion, then rules 4 and 5 on the plaintext.
    ///
    /// A signed Response is verified *before* anything is decrypted: its signature covers the
    /// ciphertext, so a tampered ciphertext is refused without being decrypted, and the plaintext then
    /// stands for the covered EncryptedAssertion. A signature inside the plaintext must verify whenever
    /// present; with an unsigned Response it is the one that counts.
    private func decryptAndVerify(
        response: LibXMLElement, encryptedAssertion: LibXMLElement
    ) -> Result<(LibXMLElement, VerifiedResponse.SignedElement), Rejection> {
        var responseVerified = false
        if response.firstChildElement(named: QualifiedName.signature) != nil {
            switch verifier.verifyEnvelopedSignature(on: response) {
            case .invalid(let failure): return .failure(signatureRejection(failure, on: "Response"))
            case .valid(let signature):
                guard signature.element == response, encryptedAssertion.parent == signature.element else {
                    return .failure(
                        Rejection(.signature, "the Response signature does not cover the EncryptedAssertion"))
                }
                responseVerified = true
            }
        }
        let assertion: LibXMLElement
        switch decrypt(encryptedAssertion, expecting: SAMLName.assertion) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let element): assertion = element
        }
        // Rule 3 again, for the plaintext: the Assertion that replaced the EncryptedAssertion is the only one.
        let nested = assertion.descendantElements(namedAnyOf: SAMLName.assertionForms).count
        guard nested == 0 else {
            return .failure(
                Rejection(
                    .assertionCount, "the decrypted Assertion contains \(nested) more Assertion(s)", expected: "1",
                    actual: String(1 + nested)))
        }
        switch verifier.verifyEnvelopedSignature(on: assertion) {
        case .valid(let signature):
            return .success((signature.element, .assertion))
        case .invalid(.noSignature) where responseVerified:
            return .success((assertion, .response))
        case .invalid(.noSignature):
            return .failure(
                Rejection(
                    .signature, "neither the decrypted Assertion nor the Response is signed", expected: "a signature",
                    actual: "none"))
        case .invalid(let failure):
            return .failure(signatureRejection(failure, on: "Assertion"))
        }
    }

    /// Decrypts an EncryptedAssertion or EncryptedID; the plaintext must be one `expected` element.
    ///
    /// Every failure is the same ``ValidationCheck/decryption`` to the browser (status and page), and takes
    /// at least ``decryptionFailureFloor``: a bad CBC padding fails sooner than a plaintext that does not
    /// parse (tens of microseconds apart), and telling them apart is what padding-oracle attacks on XML
    /// Encryption need. Only the reason for the log says which step failed.
    func decrypt(_ container: LibXMLElement, expecting expected: QualifiedName) -> Result<LibXMLElement, Rejection> {
        let clock = ContinuousClock()
        let start = clock.now
        let result = decryptedElement(container, expecting: expected)
        if case .failure = result {
            let elapsed = clock.now - start
            if elapsed < Self.decryptionFailureFloor {
                Thread.sleep(forTimeInterval: Self.seconds(Self.decryptionFailureFloor - elapsed))
            }
        }
        return result
    }

    /// The least time a failed decryption takes: well above the slowest failure path's work (an RSA
    /// private-key operation per SP key and EncryptedKey, then at most 256 KiB of AES and parsing), so
    /// every failure ends at the same moment.
    @_spi(Testing) public static let decryptionFailureFloor = Duration.milliseconds(4)

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    private func decryptedElement(
        _ container: LibXMLElement, expecting expected: QualifiedName
    ) -> Result<LibXMLElement, Rejection> {
        switch decryptor.decrypt(container) {
        case .failure(let failure):
            return .failure(Rejection(.decryption, "the \(container.localName) cannot be decrypted: \(failure)"))
        case .success(let plaintext):
            let root = plaintext.rootElement
            guard root.hasName(expected) else {
                return .failure(
                    Rejection(
                        .decryption, "the \(container.localName) does not decrypt to one \(expected.localName)",
                        expected: expected.description, actual: root.name.description))
            }
            return .success(root)
        }
    }

    private func checkStatus(of response: LibXMLElement) -> Rejection? {
        let status = response.firstChildElement(named: SAMLName.status)
        let code = status?.firstChildElement(named: SAMLName.statusCode)
        let value = code?.attribute("Value")
        guard value == SAMLName.successStatus else {
            let nested = code?.firstChildElement(named: SAMLName.statusCode)?.attribute("Value")
            let message = status?.firstChildElement(named: SAMLName.statusMessage)
                .flatMap { try? $0.singleTextNode().get() }
            let actual = [value ?? "no status", nested, message.map { "\"\($0)\"" }].compactMap { $0 }.joined(
                separator: " / ")
            return Rejection(.status, "the IdP reported a failure", expected: SAMLName.successStatus, actual: actual)
        }
        return nil
    }

    /// Verifies whichever of the Assertion and the Response is signed; every signature present must be valid.
    private func verifySignatures(
        response: LibXMLElement, assertion: LibXMLElement
    ) -> Result<(LibXMLElement, VerifiedResponse.SignedElement), Rejection> {
        let assertionResult = verifier.verifyEnvelopedSignature(on: assertion)
        // The Response's own signature is checked when it has one (every signature present must be
        // valid) or when the Assertion is unsigned; a verified Assertion needs nothing from the
        // Response, so the common case skips a second walk of the document.
        let responseSigned = response.firstChildElement(named: QualifiedName.signature) != nil
        let responseResult: SignatureVerification =
            responseSigned || assertionResult.verified == nil
            ? verifier.verifyEnvelopedSignature(on: response) : .invalid(.noSignature)
        switch (assertionResult, responseResult) {
        case (.invalid(let failure), _) where failure != .noSignature:
            return .failure(signatureRejection(failure, on: "Assertion"))
        case (_, .invalid(let failure)) where failure != .noSignature:
            return .failure(signatureRejection(failure, on: "Response"))
        case (.valid(let verified), _):
            return .success((verified.element, .assertion))
        case (_, .valid(let verified)):
            // The Assertion is read as the single Assertion child of the node the signature covered.
            let inside = verified.element.childElements(named: SAMLName.assertion)
            guard inside.count == 1, let assertion = inside.first else {
                return .failure(
                    Rejection(.assertionCount, "the signed Response does not contain exactly one Assertion"))
            }
            return .success((assertion, .response))
        default:
            return .failure(
                Rejection(
                    .signature, "neither the Assertion nor the Response is signed", expected: "a signature",
                    actual: "none"))
        }
    }

    func signatureRejection(_ failure: SignatureFailure, on element: String) -> Rejection {
        switch failure {
        case .untrustedKey(let fingerprint):
            let trusted = verifier.keys.fingerprints.joined(separator: ", ")
            return Rejection(
                .signature,
                "the \(element) signature was made with a key that is not one of this account's certificates",
                expected: trusted.isEmpty ? "a configured certificate" : "SHA-256 \(trusted)",
                actual: fingerprint.map { "SHA-256 \($0)" } ?? "an unknown key")
        default:
            return Rejection(.signature, "the \(element) signature is not acceptable: \(failure)")
        }
    }
}
