internal import CXMLSec
internal import CXML2

/// The xmlsec half of verification: one context per trusted key, then a check of what xmlsec did.
extension SignatureVerifier {
    /// What one xmlsec run with one key concluded.
    private enum KeyOutcome {
        case verified
        case digestMismatch
        case signatureMismatch
        case failed(SignatureFailure)
    }

    func verifyCryptographically(
        element: LibXMLElement, signature: LibXMLElement, structure: SignatureStructure, id: String
    ) -> SignatureVerification {
        let candidates = keys.keys.filter { $0.family == structure.signatureAlgorithm.keyFamily }
        var firstError: SignatureFailure?
        for key in candidates {
            switch run(key: key, element: element, signature: signature, structure: structure, id: id) {
            case .verified:
                return .valid(
                    VerifiedSignature(
                        element: element, key: key, signatureAlgorithm: structure.signatureAlgorithm,
                        digestAlgorithm: structure.digestAlgorithm, canonicalization: structure.canonicalization))
            case .digestMismatch:
                return .invalid(.digestMismatch)
            case .signatureMismatch:
                continue
            case .failed(let failure):
                firstError = firstError ?? failure
            }
        }
        if let firstError { return .invalid(firstError) }
        return .invalid(noKeyVerified(structure))
    }

    /// The failure when no trusted key verifies the SignatureValue: name the message's own certificate
    /// when it is an untrusted one; if it *is* trusted, the value itself is wrong.
    private func noKeyVerified(_ structure: SignatureStructure) -> SignatureFailure {
        guard let der = structure.keyInfoCertificateDER else { return .untrustedKey(fingerprint: nil) }
        let fingerprint = CertificateFingerprint.sha256(ofDER: der)
        guard keys.key(withFingerprint: fingerprint) == nil else { return .invalidSignature }
        return .untrustedKey(fingerprint: fingerprint)
    }

    private func run(
        key: TrustedKey, element: LibXMLElement, signature: LibXMLElement, structure: SignatureStructure, id: String
    ) -> KeyOutcome {
        guard let context = DSigContext() else { return .failed(.xmlsecError("could not create an xmlsec context")) }
        let canonicalizations = Canonicalization.accepted.map(\.transformID)
        let restricted = context.restrict(
            referenceTransforms: [xmlSecTransformEnvelopedGetKlass()] + canonicalizations
                + [structure.digestAlgorithm.transformID],
            signatureTransforms: canonicalizations + [structure.signatureAlgorithm.transformID])
        guard restricted, let duplicate = key.duplicate() else {
            return .failed(.xmlsecError("could not configure the xmlsec context"))
        }
        context.use(key: duplicate)
        let (status, messages) = XMLSecErrorLog.capturing { xmlSecDSigCtxVerify(context.pointer, signature.node) }
        guard status >= 0 else { return .failed(.xmlsecError(messages.first ?? "xmlSecDSigCtxVerify failed")) }
        guard context.succeeded else {
            let digestFailed = context.signedInfoReferences.contains { $0.pointee.status != xmlSecDSigStatusSucceeded }
            return digestFailed ? .digestMismatch : .signatureMismatch
        }
        if let problem = Self.checkProcessing(of: context, element: element, id: id, structure: structure) {
            return .failed(problem)
        }
        return .verified
    }

    /// Confirms xmlsec did what the structure check approved: one Reference to `#id`, the approved
    /// algorithms, only allowed transforms, and a referenced node set that is exactly `element`.
    private static func checkProcessing(
        of context: DSigContext, element: LibXMLElement, id: String, structure: SignatureStructure
    ) -> SignatureFailure? {
        let references = context.signedInfoReferences
        guard references.count == 1, let reference = references.first else {
            return .unexpectedProcessing("xmlsec processed \(references.count) references")
        }
        let uri = reference.pointee.uri.map { String(cString: $0) }
        guard reference.pointee.status == xmlSecDSigStatusSucceeded, uri == "#" + id else {
            return .unexpectedProcessing("xmlsec verified reference \(uri ?? "(none)"), expected #\(id)")
        }
        guard reference.pointee.digestMethod?.pointee.id == structure.digestAlgorithm.transformID,
            context.pointer.pointee.signMethod?.pointee.id == structure.signatureAlgorithm.transformID,
            context.pointer.pointee.c14nMethod?.pointee.id == structure.canonicalization.transformID
        else { return .unexpectedProcessing("xmlsec used other algorithms than the ones checked") }
        // xmlsec adds the XPointer step that resolves `#id` and a memory buffer collecting the digest.
        let allowed =
            [
                xmlSecTransformXPointerGetKlass(), xmlSecTransformEnvelopedGetKlass(),
                structure.digestAlgorithm.transformID,
                xmlSecTransformMemBufGetKlass(),
            ]
            + Canonicalization.accepted.map(\.transformID)
        var transform = reference.pointee.transformCtx.first
        while let current = transform {
            guard allowed.contains(current.pointee.id) else {
                let href =
                    current.pointee.id?.pointee.href.map { String(cString: $0) } ?? current.pointee.id?.pointee.name.map
                { String(cString: $0) } ?? "(unknown)"
                return .unexpectedProcessing("xmlsec applied transform \(href)")
            }
            transform = current.pointee.next
        }
        // xmlsec resolved the same-document fragment through libxml2's ID table (XPointer id()); the
        // ID must still resolve to this very node, so the digested node set was the element's subtree.
        let fragment = reference.pointee.transformCtx.xptrExpr.map { String(cString: $0) }
        let documentURI = reference.pointee.transformCtx.uri.map { String(cString: $0) } ?? ""
        guard fragment == "#" + id, documentURI.isEmpty, element.document.elementRegistered(forID: id) == element else {
            return .unexpectedProcessing("the reference did not resolve to exactly the signed element")
        }
        return nil
    }
}
