internal import CXMLSec

/// Verifies a signature over raw octets with an account's pinned keys: the HTTP-Redirect binding's
/// query signature (SAML bindings §3.4.4.1), which signs the URL's own bytes rather than XML.
///
/// The signature transform is xmlsec's, as for XML signatures (the same allow-listed algorithms and
/// the same pinned public keys), run on its own in a transform context with the octets as binary
/// input: no document, no KeyInfo, no key lookup.
public struct DetachedSignatureVerifier: Sendable {
    /// The keys a signature must verify with.
    public let keys: TrustedKeys
    /// Whether SHA-1 may be used.
    public let policy: SignaturePolicy

    /// Creates a verifier for an account's keys and policy.
    public init(keys: TrustedKeys, policy: SignaturePolicy = SignaturePolicy()) {
        self.keys = keys
        self.policy = policy
    }

    /// The trusted key whose signature `signature` is over `octets` with the algorithm named by
    /// `algorithmURI`, or the check that failed: an algorithm outside the allow-list (or SHA-1 against
    /// the policy), or no trusted key of the algorithm's family verifying it.
    public func verify(octets: [UInt8], signature: [UInt8], algorithmURI: String) -> Result<
        TrustedKey, SignatureFailure
    > {
        guard let algorithm = SignatureAlgorithm(rawValue: algorithmURI) else {
            return .failure(.disallowedAlgorithm(algorithmURI))
        }
        if algorithm.usesSHA1 && !policy.allowSHA1 { return .failure(.sha1NotAllowed(algorithmURI)) }
        guard !signature.isEmpty else { return .failure(.noSignature) }
        // xmlsec takes 32-bit sizes here; a query or signature is far smaller (URLs end at a few KiB).
        guard octets.count < Int(UInt32.max), signature.count < Int(UInt32.max) else {
            return .failure(.malformedSignature("the signed data is too large"))
        }
        var firstError: SignatureFailure?
        for key in keys.keys where key.family == algorithm.keyFamily {
            switch Self.run(algorithm, key: key, octets: octets, signature: signature) {
            case .success(true): return .success(key)
            case .success(false): continue
            case .failure(let failure): firstError = firstError ?? failure
            }
        }
        return .failure(firstError ?? .untrustedKey(fingerprint: nil))
    }

    /// One xmlsec verification with one key: true when it verifies, false when the value does not match.
    private static func run(
        _ algorithm: SignatureAlgorithm, key: TrustedKey, octets: [UInt8], signature: [UInt8]
    ) -> Result<Bool, SignatureFailure> {
        guard let context = xmlSecTransformCtxCreate() else {
            return .failure(.xmlsecError("could not create an xmlsec transform context"))
        }
        defer { xmlSecTransformCtxDestroy(context) }
        guard let transform = xmlSecTransformCtxCreateAndAppend(context, algorithm.transformID),
            let duplicate = key.duplicate()
        else { return .failure(.xmlsecError("could not set up the signature transform")) }
        defer { xmlSecKeyDestroy(duplicate) }
        transform.pointee.operation = xmlSecTransformOperationVerify
        let (status, messages) = XMLSecErrorLog.capturing { () -> Int32 in
            guard xmlSecTransformSetKey(transform, duplicate) >= 0 else { return -1 }
            let executed = octets.withUnsafeBufferPointer {
                xmlSecTransformCtxBinaryExecute(context, $0.baseAddress, UInt32(octets.count))
            }
            guard executed >= 0 else { return -1 }
            return signature.withUnsafeBufferPointer {
                xmlSecTransformVerify(transform, $0.baseAddress, UInt32(signature.count), context)
            }
        }
        guard status >= 0 else {
            return .failure(.xmlsecError(messages.first ?? "the signature transform failed"))
        }
        return .success(transform.pointee.status == xmlSecTransformStatusOk)
    }
}
