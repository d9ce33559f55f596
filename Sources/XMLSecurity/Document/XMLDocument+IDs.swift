internal import CXML2

extension XMLDocument {
    /// Registers the `ID` attribute of each element with one of `elementNames` as an XML ID, after
    /// checking that no ID-like value occurs twice anywhere in the document.
    ///
    /// Signature references (`URI="#id"`) are resolved through libxml2's ID table. Registering only the
    /// attributes SAML defines, and refusing any duplicate first, means a reference can resolve to one
    /// node only — the one the caller will read. "ID-like" covers `ID`, `Id`, `AssertionID` and
    /// `xml:id` (which libxml2 registers on its own), so an attacker cannot shadow an ID through another
    /// spelling.
    /// - Throws: `XMLSecurityError.duplicateID` naming the repeated value.
    public func registerIDs(
        on elementNames: [QualifiedName] = QualifiedName.samlSignableElements, attribute attributeName: String = "ID"
    ) throws(XMLSecurityError) {
        if let duplicate = firstDuplicateIDValue() { throw .duplicateID(duplicate) }
        for element in [rootElement] + rootElement.descendantElements
        where elementNames.contains(where: element.hasName) {
            guard element.attribute(attributeName) != nil else { continue }
            try registerID(of: element, attribute: attributeName)
        }
    }

    /// Makes `xmlGetID(value)` resolve to `element`'s ID attribute, or throws if it resolves elsewhere.
    func registerID(of element: XMLElement, attribute attributeName: String) throws(XMLSecurityError) {
        guard let attribute = xmlHasNsProp(element.node, attributeName, nil),
            attribute.pointee.type == XML_ATTRIBUTE_NODE,
            let value = element.attribute(attributeName)
        else { throw .missingID(element: element.name.description) }
        if let existing = xmlGetID(pointer, value) {
            guard existing == attribute else { throw .duplicateID(value) }
            return
        }
        guard xmlAddID(nil, pointer, value, attribute) != nil else { throw .duplicateID(value) }
    }

    /// The element `xmlGetID` resolves `id` to, as signature processing will see it.
    func elementRegistered(forID id: String) -> XMLElement? {
        guard let attribute = xmlGetID(pointer, id), let parent = attribute.pointee.parent,
            parent.pointee.type == XML_ELEMENT_NODE
        else { return nil }
        return XMLElement(node: parent, document: self)
    }

    /// The first ID-like attribute value that occurs more than once, scanning the whole document.
    func firstDuplicateIDValue() -> String? {
        var seen = Set<String>()
        for element in [rootElement] + rootElement.descendantElements {
            var property = element.node.pointee.properties
            while let attribute = property {
                property = attribute.pointee.next
                guard Self.isIDLike(attribute), let value = Self.value(of: attribute) else { continue }
                guard seen.insert(value).inserted else { return value }
            }
        }
        return nil
    }

    private static func isIDLike(_ attribute: xmlAttrPtr) -> Bool {
        let name = String(cString: attribute.pointee.name)
        guard let namespace = attribute.pointee.ns?.pointee.href else {
            return name == "ID" || name == "Id" || name == "AssertionID"
        }
        return name == "id" && String(cString: namespace) == XMLNamespace.xml
    }

    private static func value(of attribute: xmlAttrPtr) -> String? {
        let node = UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self)
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { CXML2_free(content) }
        return String(cString: content)
    }
}
