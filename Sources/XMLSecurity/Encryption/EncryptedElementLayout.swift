/// The parts of a SAML encrypted element (`EncryptedAssertion`, `EncryptedID`) that decryption may use,
/// after checking their layout and algorithms.
///
/// SAML's `EncryptedElementType` holds one `xenc:EncryptedData` and optional `xenc:EncryptedKey`
/// siblings. The content key is taken only from an EncryptedKey inside the EncryptedData's KeyInfo or
/// from a sibling that a `ds:RetrievalMethod` there names by `#Id`: nothing outside the container is
/// ever read, and nothing is fetched (`CipherReference` is refused).
struct EncryptedElementLayout {
    /// The most EncryptedKeys tried: one per recipient certificate is plenty, and each try costs an RSA operation.
    static let maximumEncryptedKeys = 4

    let encryptedData: LibXMLElement
    let content: ContentEncryptionAlgorithm
    /// The EncryptedKeys that may carry the content key, in document order.
    let encryptedKeys: [LibXMLElement]

    /// Checks `container`'s layout, algorithms and key references.
    static func inspect(_ container: LibXMLElement) -> Result<Self, DecryptionFailure> {
        var data: [LibXMLElement] = []
        var siblings: [LibXMLElement] = []
        for child in container.childElements {
            if child.hasName(XEnc.encryptedData) {
                data.append(child)
            } else if child.hasName(XEnc.encryptedKey) {
                siblings.append(child)
            } else {
                return .failure(.structure("unexpected \(child.name) inside \(container.name)"))
            }
        }
        guard data.count == 1, let encryptedData = data.first else {
            return .failure(.structure("\(container.name) must hold exactly one EncryptedData, found \(data.count)"))
        }
        if let type = encryptedData.attribute("Type"), type != XEnc.elementType {
            return .failure(.structure("the EncryptedData's Type is \(type), expected \(XEnc.elementType)"))
        }
        let content: ContentEncryptionAlgorithm
        switch method(of: encryptedData).flatMap({ ContentEncryptionAlgorithm.named($0.attribute("Algorithm")) }) {
        case .failure(let failure): return .failure(failure)
        case .success(let algorithm): content = algorithm
        }
        if let failure = checkCipherData(of: encryptedData, what: "EncryptedData") { return .failure(failure) }
        let keys: [LibXMLElement]
        switch candidateKeys(of: encryptedData, siblings: siblings) {
        case .failure(let failure): return .failure(failure)
        case .success(let found): keys = found
        }
        guard !keys.isEmpty else {
            return .failure(
                .structure(
                    "the EncryptedData's KeyInfo neither holds an EncryptedKey nor names one with a RetrievalMethod"))
        }
        guard keys.count <= maximumEncryptedKeys else {
            return .failure(.structure("\(keys.count) EncryptedKeys, more than the \(maximumEncryptedKeys) accepted"))
        }
        for key in keys {
            if case .failure(let failure) = method(of: key).flatMap(KeyTransportAlgorithm.inspect) {
                return .failure(failure)
            }
            if let failure = checkCipherData(of: key, what: "EncryptedKey") { return .failure(failure) }
        }
        return .success(Self(encryptedData: encryptedData, content: content, encryptedKeys: keys))
    }

    private static func method(of element: LibXMLElement) -> Result<LibXMLElement, DecryptionFailure> {
        let methods = element.childElements(named: XEnc.encryptionMethod)
        guard methods.count == 1, let method = methods.first else {
            return .failure(
                .structure("the \(element.localName) must have one EncryptionMethod, found \(methods.count)"))
        }
        return .success(method)
    }

    /// One `CipherData` holding one `CipherValue`: the ciphertext is in the message, never fetched.
    private static func checkCipherData(of element: LibXMLElement, what: String) -> DecryptionFailure? {
        let cipherData = element.childElements(named: XEnc.cipherData)
        guard cipherData.count == 1, let only = cipherData.first else {
            return .structure("the \(what) must have one CipherData")
        }
        guard only.childElements.count == 1, only.childElements[0].hasName(XEnc.cipherValue) else {
            return only.firstChildElement(named: XEnc.cipherReference) != nil
                ? .structure("the \(what) uses a CipherReference; the ciphertext must be in the message")
                : .structure("the \(what)'s CipherData must hold exactly one CipherValue")
        }
        return nil
    }

    /// Inline EncryptedKeys and the siblings RetrievalMethods name; KeyName is only a hint and is ignored.
    private static func candidateKeys(
        of encryptedData: LibXMLElement, siblings: [LibXMLElement]
    ) -> Result<[LibXMLElement], DecryptionFailure> {
        let keyInfos = encryptedData.childElements(named: DSig.keyInfo)
        guard keyInfos.count <= 1 else { return .failure(.structure("the EncryptedData has more than one KeyInfo")) }
        guard let keyInfo = keyInfos.first else { return .success([]) }
        var keys: [LibXMLElement] = []
        for child in keyInfo.childElements {
            if child.hasName(XEnc.encryptedKey) {
                keys.append(child)
            } else if child.hasName(XEnc.retrievalMethod) {
                switch resolve(child, among: siblings) {
                case .failure(let failure): return .failure(failure)
                case .success(let key) where !keys.contains(key): keys.append(key)
                case .success: break
                }
            } else if !child.hasName(XEnc.keyName) {
                return .failure(.structure("unexpected \(child.name) in the EncryptedData's KeyInfo"))
            }
        }
        return .success(keys)
    }

    private static func resolve(
        _ retrievalMethod: LibXMLElement, among siblings: [LibXMLElement]
    ) -> Result<LibXMLElement, DecryptionFailure> {
        if let type = retrievalMethod.attribute("Type"), type != XEnc.encryptedKeyType {
            return .failure(.structure("a RetrievalMethod of Type \(type); only \(XEnc.encryptedKeyType) is accepted"))
        }
        guard retrievalMethod.childElements.isEmpty else {
            return .failure(.structure("a RetrievalMethod with Transforms; only a plain #Id reference is accepted"))
        }
        guard let uri = retrievalMethod.attribute("URI"), uri.hasPrefix("#"), uri.count > 1 else {
            let shown = retrievalMethod.attribute("URI") ?? "(none)"
            return .failure(
                .structure(
                    "a RetrievalMethod with URI \(shown); only #Id of an EncryptedKey in the same element is accepted"))
        }
        let id = String(uri.dropFirst())
        let matches = siblings.filter { $0.attribute("Id") == id }
        guard matches.count == 1, let key = matches.first else {
            return .failure(
                .structure(
                    matches.isEmpty
                        ? "the RetrievalMethod names \(uri), which is not an EncryptedKey inside the encrypted element"
                        : "the RetrievalMethod names \(uri), which \(matches.count) EncryptedKeys carry"))
        }
        return .success(key)
    }
}
