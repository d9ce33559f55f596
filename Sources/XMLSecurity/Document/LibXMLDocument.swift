internal import CXML2

/// A parsed XML document: the single owner of a libxml2 `xmlDocPtr`, freed in `deinit`.
///
/// Not `Sendable`: libxml2 documents are mutable (ID registration, signing) and must stay on one thread
/// at a time. `LibXMLElement` handles keep their document alive, so a node pointer never dangles.
public final class LibXMLDocument {
    let pointer: xmlDocPtr

    /// Takes ownership of `pointer`; only this module's parser and tests create documents.
    init(owning pointer: xmlDocPtr) {
        self.pointer = pointer
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    /// Parses untrusted bytes safely: no DTD, no entities, no network, no XInclude, bounded size and depth.
    ///
    /// A DOCTYPE is refused as soon as the parser meets it, before any declaration inside is read, so
    /// neither entity expansion ("billion laughs") nor external entities (XXE) can happen.
    /// - Throws: `XMLSecurityError` naming the violated rule (size, encoding, well-formedness, DOCTYPE, depth).
    public convenience init(parsing bytes: [UInt8], limits: ParsingLimits = .saml) throws(XMLSecurityError) {
        try XMLSecurity.requireInitialized()
        let pointer = try SafeParser(limits: limits).parse(bytes)
        self.init(owning: pointer)
    }

    /// The document element; parsing guarantees there is one.
    public var rootElement: LibXMLElement {
        guard let root = xmlDocGetRootElement(pointer) else {
            preconditionFailure("a parsed LibXMLDocument always has a root element")
        }
        return LibXMLElement(node: root, document: self)
    }

    /// The document as UTF-8 bytes, unchanged apart from an XML declaration; signatures stay valid.
    public func serialized() throws(XMLSecurityError) -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &memory, &size, "UTF-8")
        guard let memory, size >= 0 else { throw .serializationFailed }
        defer { CXML2_free(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }
}
