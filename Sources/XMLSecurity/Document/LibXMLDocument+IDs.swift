internal import CXML2

extension LibXMLDocument {
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
        let root = rootElement
        for element in [root] + root.descendantElements where elementNames.contains(where: element.hasName) {
            guard element.attribute(attributeName) != nil else { continue }
            try registerID(of: element, attribute: attributeName)
        }
    }

    /// Makes `xmlGetID(value)` resolve to `element`'s ID attribute, or throws if it resolves elsewhere.
    func registerID(of element: LibXMLElement, attribute attributeName: String) throws(XMLSecurityError) {
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
    func elementRegistered(forID id: String) -> LibXMLElement? {
        guard let attribute = xmlGetID(pointer, id), let parent = attribute.pointee.parent,
            parent.pointee.type == XML_ELEMENT_NODE
        else { return nil }
        return LibXMLElement(node: parent, document: self)
    }

    /// The first ID-like attribute value that occurs more than once, scanning the whole document.
    ///
    /// Runs before every verification, so it reads names and values in place; a SAML response has a
    /// handful of IDs, compared pairwise, and only a document with many falls back to a hash set
    /// (keeping hostile inputs linear).
    func firstDuplicateIDValue() -> String? {
        var values: [String] = []
        var seen: Set<String>?
        var duplicate: String?
        let root = rootElement
        func record(_ element: xmlNodePtr) -> Bool {
            var property = element.pointee.properties
            while let attribute = property {
                property = attribute.pointee.next
                guard Self.isIDLike(attribute), let value = LibXMLText.value(of: attribute) else { continue }
                if seen == nil, values.count < Self.pairwiseLimit {
                    if values.contains(value) {
                        duplicate = value
                        return false
                    }
                    values.append(value)
                    continue
                }
                if seen == nil { seen = Set(values) }
                guard seen?.insert(value).inserted == true else {
                    duplicate = value
                    return false
                }
            }
            return true
        }
        guard record(root.node) else { return duplicate }
        root.walkDescendants(record)
        return duplicate
    }

    /// Up to this many ID values are compared pairwise (cheaper than hashing for SAML's three or four).
    private static let pairwiseLimit = 16

    private static func isIDLike(_ attribute: xmlAttrPtr) -> Bool {
        let name = attribute.pointee.name
        guard let namespace = attribute.pointee.ns?.pointee.href else {
            return LibXMLText.equals(name, "ID") || LibXMLText.equals(name, "Id")
                || LibXMLText.equals(name, "AssertionID")
        }
        return LibXMLText.equals(name, "id") && LibXMLText.equals(namespace, XMLNamespace.xml)
    }
}
