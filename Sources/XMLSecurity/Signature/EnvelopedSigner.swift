internal import CXML2
internal import CXMLSec

/// Signs elements with an enveloped XML signature: AuthnRequests sent by HTTP-POST (and test IdP messages).
///
/// `Sendable`: it holds an immutable key and options; each call uses its own xmlsec context. The
/// document being signed must not be used by another thread during the call.
public struct EnvelopedSigner: Sendable {
    /// The private key (and optional certificate) to sign with.
    public let key: SigningKey
    /// The algorithms, transforms and KeyInfo content to produce.
    public let options: SigningOptions

    /// Creates a signer.
    public init(key: SigningKey, options: SigningOptions = SigningOptions()) {
        self.key = key
        self.options = options
    }

    /// Signs `element` (referenced as `#` + its `idAttribute`) and inserts the `ds:Signature` as its
    /// first child, or right after `predecessor` (SAML puts it after `saml:Issuer`).
    /// - Returns: the inserted `ds:Signature` element.
    /// - Throws: `XMLSecurityError` when the element has no ID, the ID is not unique, or xmlsec fails.
    @discardableResult
    public func sign(
        _ element: LibXMLElement, after predecessor: LibXMLElement? = nil, idAttribute: String = "ID"
    ) throws(XMLSecurityError) -> LibXMLElement {
        try XMLSecurity.requireInitialized()
        guard let id = element.attribute(idAttribute) else { throw .missingID(element: element.name.description) }
        if let predecessor, predecessor.parent != element {
            throw .signingFailed("the element to insert after is not a child of the signed element")
        }
        try element.document.registerID(of: element, attribute: idAttribute)
        let signature = try makeTemplate(in: element.document, uri: "#" + id)
        insert(signature, into: element, after: predecessor)
        do {
            try computeSignature(signature)
        } catch {
            xmlUnlinkNode(signature)
            xmlFreeNode(signature)
            throw error
        }
        return LibXMLElement(node: signature, document: element.document)
    }

    private func makeTemplate(in document: LibXMLDocument, uri: String) throws(XMLSecurityError) -> xmlNodePtr {
        guard
            let signature = xmlSecTmplSignatureCreateNsPref(
                document.pointer, options.canonicalization.transformID, options.signatureAlgorithm.transformID, nil,
                "ds")
        else { throw .signingFailed("could not create the Signature template") }
        guard
            let reference = xmlSecTmplSignatureAddReference(
                signature, options.digestAlgorithm.transformID, nil, uri, nil)
        else {
            xmlFreeNode(signature)
            throw .signingFailed("could not add the Reference")
        }
        for transform in options.referenceTransforms where !add(transform, to: reference) {
            xmlFreeNode(signature)
            throw .signingFailed("could not add transform \(transform)")
        }
        if options.includeCertificate {
            guard key.hasCertificate else {
                xmlFreeNode(signature)
                throw .signingFailed("includeCertificate needs a SigningKey loaded with a certificate")
            }
            guard let keyInfo = xmlSecTmplSignatureEnsureKeyInfo(signature, nil),
                let x509Data = xmlSecTmplKeyInfoAddX509Data(keyInfo),
                xmlSecTmplX509DataAddCertificate(x509Data) != nil
            else {
                xmlFreeNode(signature)
                throw .signingFailed("could not add KeyInfo")
            }
        }
        return signature
    }

    private func add(_ transform: ReferenceTransform, to reference: xmlNodePtr) -> Bool {
        switch transform {
        case .envelopedSignature:
            return xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedGetKlass()) != nil
        case .canonicalization(let canonicalization):
            return xmlSecTmplReferenceAddTransform(reference, canonicalization.transformID) != nil
        case .xpath(let expression):
            guard let node = xmlSecTmplReferenceAddTransform(reference, xmlSecTransformXPathGetKlass()) else {
                return false
            }
            return xmlSecTmplTransformAddXPath(node, expression, nil) >= 0
        }
    }

    private func insert(_ signature: xmlNodePtr, into element: LibXMLElement, after predecessor: LibXMLElement?) {
        if let predecessor {
            xmlAddNextSibling(predecessor.node, signature)
        } else if let first = element.node.pointee.children {
            xmlAddPrevSibling(first, signature)
        } else {
            xmlAddChild(element.node, signature)
        }
    }

    private func computeSignature(_ signature: xmlNodePtr) throws(XMLSecurityError) {
        guard let context = DSigContext(), let duplicate = key.duplicate() else {
            throw .signingFailed("could not create an xmlsec context")
        }
        context.use(key: duplicate)
        let (status, messages) = XMLSecErrorLog.capturing { xmlSecDSigCtxSign(context.pointer, signature) }
        guard status >= 0 else { throw .signingFailed(messages.first ?? "xmlSecDSigCtxSign failed") }
    }
}
