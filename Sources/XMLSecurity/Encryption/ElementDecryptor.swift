internal import CXML2
internal import CXMLSec

/// Decrypts SAML encrypted elements (`EncryptedAssertion`, `EncryptedID`) with an account's SP keys.
///
/// The work is xmlsec's (`xmlSecEncCtx`), in two steps this type controls: each EncryptedKey that
/// ``EncryptedElementLayout`` allowed is opened with each SP key in turn (RSA-OAEP only), then the
/// EncryptedData is decrypted with the content key that came out (the checked AES algorithm only).
/// The plaintext is parsed as a document of its own under the same limits as the message, so nothing
/// from it is merged into the received document.
///
/// Build one per account and settings version and share it: it is `Sendable`, and each call uses its
/// own xmlsec contexts.
public struct ElementDecryptor: Sendable {
    /// The SP keys (`active`, `next`, `retired`), tried in this order.
    public let keys: [DecryptionKey]

    /// Creates a decryptor for an account's SP keys.
    public init(keys: [DecryptionKey]) {
        self.keys = keys
    }

    /// Decrypts `container` and parses the plaintext under `limits`.
    /// - Returns: the plaintext as its own document, or the failure naming the cause (for the log only:
    ///   every case must look the same to whoever sent the message).
    public func decrypt(
        _ container: LibXMLElement, limits: ParsingLimits = .saml
    ) -> Result<LibXMLDocument, DecryptionFailure> {
        guard !keys.isEmpty else { return .failure(.noDecryptionKey) }
        let layout: EncryptedElementLayout
        switch EncryptedElementLayout.inspect(container) {
        case .failure(let failure): return .failure(failure)
        case .success(let inspected): layout = inspected
        }
        var contentKey: [UInt8]
        switch openContentKey(layout) {
        case .failure(let failure): return .failure(failure)
        case .success(let key): contentKey = key
        }
        defer { contentKey.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        guard contentKey.count == layout.content.keyByteCount else {
            return .failure(.keyLength(expected: layout.content.keyByteCount, actual: contentKey.count))
        }
        var plaintext: [UInt8]
        switch decryptData(layout, contentKey: contentKey) {
        case .failure(let failure): return .failure(failure)
        case .success(let bytes): plaintext = bytes
        }
        defer { plaintext.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        do {
            return .success(try LibXMLDocument(parsing: plaintext, limits: limits))
        } catch {
            return .failure(.plaintext(error))
        }
    }

    /// The first content key any SP key opens from any allowed EncryptedKey.
    private func openContentKey(_ layout: EncryptedElementLayout) -> Result<[UInt8], DecryptionFailure> {
        for encryptedKey in layout.encryptedKeys {
            for key in keys {
                guard let duplicate = key.duplicate(),
                    let context = EncContext(
                        key: duplicate, transform: KeyTransportAlgorithm.rsaOAEPMGF1P.transformID, target: .encryptedKey
                    )
                else { return .failure(.xmlsec("could not create an xmlsec context")) }
                if case .success(let bytes) = context.decrypt(encryptedKey.node) { return .success(bytes) }
            }
        }
        return .failure(.noKeyOpens(keys: keys.count, encryptedKeys: layout.encryptedKeys.count))
    }

    private func decryptData(
        _ layout: EncryptedElementLayout, contentKey: [UInt8]
    ) -> Result<[UInt8], DecryptionFailure> {
        let (key, messages) = XMLSecErrorLog.capturing {
            contentKey.withUnsafeBufferPointer { buffer in
                xmlSecKeyReadMemory(
                    xmlSecOpenSSLKeyDataAesGetKlass(), buffer.baseAddress, CXMLSec_Size(buffer.count))
            }
        }
        guard let key else { return .failure(.xmlsec(messages.first ?? "could not load the content key")) }
        guard let context = EncContext(key: key, transform: layout.content.transformID, target: .encryptedData) else {
            return .failure(.xmlsec("could not create an xmlsec context"))
        }
        return context.decrypt(layout.encryptedData.node).mapError { failure in
            guard case .xmlsec(let message) = failure else { return failure }
            return .dataDecryption(message)
        }
    }
}
