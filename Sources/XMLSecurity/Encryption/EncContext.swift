internal import CXML2
internal import CXMLSec

/// One xmlsec encryption context for one decrypt or encrypt call: the single owner of an `xmlSecEncCtx`.
///
/// Created without a keys manager and with its key set up front, so xmlsec never reads a key from the
/// message's KeyInfo (it resolves KeyInfo only when no key is set). Only the one transform the caller
/// checked is enabled, and no URI may be dereferenced: a `CipherReference` cannot make it fetch anything.
final class EncContext {
    let pointer: xmlSecEncCtxPtr

    /// Which element the context processes: xmlsec checks the node's name against it.
    enum Target {
        case encryptedData, encryptedKey
    }

    /// Takes ownership of `key` (freed with the context, or at once if the context cannot be made).
    init?(key: xmlSecKeyPtr, transform: xmlSecTransformId, target: Target) {
        guard let pointer = xmlSecEncCtxCreate(nil) else {
            xmlSecKeyDestroy(key)
            return nil
        }
        self.pointer = pointer
        pointer.pointee.encKey = key
        pointer.pointee.mode = target == .encryptedKey ? xmlEncCtxModeEncryptedKey : xmlEncCtxModeEncryptedData
        pointer.pointee.transformCtx.enabledUris = xmlSecTransformUriType(xmlSecTransformUriTypeNone)
        let added = withUnsafeMutablePointer(to: &pointer.pointee.transformCtx.enabledTransforms) { list in
            xmlSecPtrListAdd(list, UnsafeMutableRawPointer(mutating: UnsafeRawPointer(transform)))
        }
        guard added >= 0 else { return nil }
    }

    deinit {
        xmlSecEncCtxDestroy(pointer)
    }

    /// Decrypts an `EncryptedData` or `EncryptedKey` node to bytes, or fails with xmlsec's first message.
    func decrypt(_ node: xmlNodePtr) -> Result<[UInt8], DecryptionFailure> {
        let (buffer, messages) = XMLSecErrorLog.capturing { xmlSecEncCtxDecryptToBuffer(pointer, node) }
        guard let buffer, let data = xmlSecBufferGetData(buffer) else {
            return .failure(.xmlsec(messages.first ?? "xmlSecEncCtxDecryptToBuffer failed"))
        }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(xmlSecBufferGetSize(buffer))))
        return .success(bytes)
    }

    /// Encrypts `bytes` into the template node (tests build encrypted messages with it).
    func encrypt(_ bytes: [UInt8], into template: xmlNodePtr) -> Result<Void, XMLSecurityError> {
        let (status, messages) = XMLSecErrorLog.capturing {
            bytes.withUnsafeBufferPointer { buffer in
                xmlSecEncCtxBinaryEncrypt(pointer, template, buffer.baseAddress, CXMLSec_Size(buffer.count))
            }
        }
        return status >= 0
            ? .success(()) : .failure(.encryptionFailed(messages.first ?? "xmlSecEncCtxBinaryEncrypt failed"))
    }
}
