internal import CXMLSec

/// One xmlsec signature context for one sign or verify call: the single owner of an `xmlSecDSigCtx`.
///
/// Created without a keys manager, so xmlsec can never take a key from the message's KeyInfo: the only
/// key it sees is the one set with `use(key:)`, which the context then owns and frees.
final class DSigContext {
    let pointer: xmlSecDSigCtxPtr

    init?() {
        guard let pointer = xmlSecDSigCtxCreate(nil) else { return nil }
        self.pointer = pointer
    }

    deinit {
        xmlSecDSigCtxDestroy(pointer)
    }

    /// Hands a key (already duplicated for this context) to xmlsec, which frees it with the context.
    func use(key: xmlSecKeyPtr) {
        if let previous = pointer.pointee.signKey { xmlSecKeyDestroy(previous) }
        pointer.pointee.signKey = key
    }

    /// Limits References to same-document URIs (`#id`) and to the given transforms, and SignedInfo to
    /// the given canonicalization and signature transforms. xmlsec then refuses anything else itself.
    func restrict(referenceTransforms: [xmlSecTransformId], signatureTransforms: [xmlSecTransformId]) -> Bool {
        pointer.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
        for id in referenceTransforms where xmlSecDSigCtxEnableReferenceTransform(pointer, id) < 0 { return false }
        for id in signatureTransforms where xmlSecDSigCtxEnableSignatureTransform(pointer, id) < 0 { return false }
        return true
    }

    /// The processing status after `xmlSecDSigCtxVerify`.
    var succeeded: Bool {
        pointer.pointee.status == xmlSecDSigStatusSucceeded
    }

    /// The Reference contexts xmlsec processed from SignedInfo, in order.
    var signedInfoReferences: [xmlSecDSigReferenceCtxPtr] {
        // A stored field of an imported C struct always has an offset; nil would mean "no references".
        guard let offset = MemoryLayout<xmlSecDSigCtx>.offset(of: \xmlSecDSigCtx.signedInfoReferences) else {
            return []
        }
        let list = UnsafeMutableRawPointer(pointer).advanced(by: offset).assumingMemoryBound(to: xmlSecPtrList.self)
        return (0..<xmlSecPtrListGetSize(list)).compactMap { index in
            xmlSecPtrListGetItem(list, index)?.assumingMemoryBound(to: xmlSecDSigReferenceCtx.self)
        }
    }
}
