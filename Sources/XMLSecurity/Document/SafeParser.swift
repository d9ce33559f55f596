import Basics
internal import CXML2

/// Turns untrusted bytes into an `xmlDocPtr` under ACS rule 1 (no DTD, no entities,
/// no network, no XInclude, size and depth bounds). Stateless apart from its limits; one parser
/// context per call, so it is safe on any thread after `XMLSecurity.initialize()`.
struct SafeParser {
    let limits: ParsingLimits

    /// libxml2 options: never `XML_PARSE_NOENT` (it *enables* entity substitution), never DTDLOAD,
    /// never XINCLUDE. `XML_PARSE_NO_XXE` does not exist in libxml2 2.9.14; the DOCTYPE hook below
    /// stops the parser before any DTD content is read instead. NOCDATA and NOBLANKS stay off: they
    /// would alter content (CDATA detection for NameID, whitespace that signatures cover). COMPACT
    /// stores short text inside its node instead of a separate allocation (fewer mallocs per parse);
    /// the text read is the same.
    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue)

    func parse(_ bytes: [UInt8]) throws(XMLSecurityError) -> xmlDocPtr {
        guard !bytes.isEmpty else { throw .emptyDocument }
        guard bytes.count <= limits.maxBytes else {
            throw .documentTooLarge(limit: limits.maxBytes, actual: bytes.count)
        }
        if let offset = Self.firstInvalidUTF8Offset(bytes) { throw .notUTF8(offset: offset) }
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                Self.parseWellFormed(chars)
            }
        }
        let document = try outcome.get()
        do {
            try check(document)
        } catch {
            xmlFreeDoc(document)
            throw error
        }
        return document
    }

    /// Runs libxml2 with a DOCTYPE tripwire and returns the document, or why there is none.
    private static func parseWellFormed(_ chars: UnsafeBufferPointer<CChar>) -> Result<xmlDocPtr, XMLSecurityError> {
        guard let context = xmlCreateMemoryParserCtxt(chars.baseAddress, Int32(chars.count)) else {
            return .failure(.notWellFormed(line: 0, message: "libxml2 could not create a parser"))
        }
        defer { xmlFreeParserCtxt(context) }
        xmlCtxtUseOptions(context, options)
        // Belt and braces against process-wide defaults some other code might have changed.
        context.pointee.replaceEntities = 0
        context.pointee.loadsubset = 0
        context.pointee.validate = 0
        if let sax = context.pointee.sax {
            sax.pointee.internalSubset = stopAtDoctype
            sax.pointee.externalSubset = nil
            sax.pointee.resolveEntity = nil
        }
        xmlParseDocument(context)
        let document = context.pointee.myDoc
        context.pointee.myDoc = nil
        if let document, document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            xmlFreeDoc(document)
            return .failure(.doctypeForbidden)
        }
        guard context.pointee.wellFormed != 0, let document else {
            if let document { xmlFreeDoc(document) }
            return .failure(lastError(of: context))
        }
        return .success(document)
    }

    private static func lastError(of context: xmlParserCtxtPtr) -> XMLSecurityError {
        guard let error = xmlCtxtGetLastError(context), let message = error.pointee.message else {
            return .notWellFormed(line: 0, message: "unknown parser error")
        }
        // libxml2 messages end in a newline.
        let text = String(String(cString: message).trimming(.xml))
        return .notWellFormed(line: Int(error.pointee.line), message: text)
    }

    /// Walks the tree once: depth bound, no DTD-defined nodes, declared encoding UTF-8, a root exists.
    private func check(_ document: xmlDocPtr) throws(XMLSecurityError) {
        if let encoding = document.pointee.encoding {
            let name = String(cString: encoding)
            guard ["UTF-8", "UTF8", "US-ASCII", "ASCII"].contains(name.uppercased()) else {
                throw .unsupportedEncoding(name)
            }
        }
        guard xmlDocGetRootElement(document) != nil else {
            throw .notWellFormed(line: 0, message: "no root element")
        }
        // Iterative pre-order walk over child/next/parent links: no stack to allocate, and the depth
        // is counted exactly as before (document children at depth 1).
        var next = document.pointee.children
        var depth = 1
        while let node = next {
            try Self.checkKind(of: node)
            if node.pointee.type == XML_ELEMENT_NODE {
                guard depth <= limits.maxDepth else { throw .tooDeep(limit: limits.maxDepth) }
                if let child = node.pointee.children {
                    next = child
                    depth += 1
                    continue
                }
            }
            var cursor = node
            while cursor.pointee.next == nil {
                guard let parent = cursor.pointee.parent, depth > 1 else { return }
                cursor = parent
                depth -= 1
            }
            next = cursor.pointee.next
        }
    }

    private static func checkKind(of node: xmlNodePtr) throws(XMLSecurityError) {
        switch node.pointee.type {
        case XML_DTD_NODE, XML_DOCUMENT_TYPE_NODE:
            throw .doctypeForbidden
        case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL:
            throw .forbiddenNode("entity reference")
        case XML_XINCLUDE_START, XML_XINCLUDE_END:
            throw .forbiddenNode("XInclude node")
        default:
            return
        }
    }

    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        // Fast path: the standard library's validator (vectorised) accepts every valid document; the
        // scalar walk below only runs to locate the error for the message.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }
}

/// SAX hook for `<!DOCTYPE`: records the subset (so the caller can see it) and stops the parser at
/// once, before libxml2 reads any markup declaration, entity or external subset.
private let stopAtDoctype: internalSubsetSAXFunc = { context, name, externalID, systemID in
    guard let context else { return }
    xmlSAX2InternalSubset(context, name, externalID, systemID)
    xmlStopParser(context.assumingMemoryBound(to: xmlParserCtxt.self))
}
