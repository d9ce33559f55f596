internal import CXML2

/// A handle to one element of an `LibXMLDocument`.
///
/// It holds the node pointer plus a strong reference to the owning document, so the node cannot be
/// freed while the handle exists. Two handles are equal when they name the same node: callers use
/// that to prove they read from the node a signature covered, not from a look-alike.
public struct LibXMLElement: Hashable {
    let node: xmlNodePtr
    /// The document that owns this element (kept alive by the handle).
    public let document: LibXMLDocument

    init(node: xmlNodePtr, document: LibXMLDocument) {
        self.node = node
        self.document = document
    }

    /// Same node, same handle.
    public static func == (lhs: LibXMLElement, rhs: LibXMLElement) -> Bool {
        lhs.node == rhs.node
    }

    /// Hashes the node identity.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(node)
    }

    /// The element name without prefix.
    public var localName: String {
        String(cString: node.pointee.name)
    }

    /// The element's namespace URI, or nil when it is in no namespace.
    public var namespaceURI: String? {
        node.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    /// The namespace URI plus local name, the form to compare element names with.
    public var name: QualifiedName {
        QualifiedName(namespaceURI, localName)
    }

    /// True when the element has this namespace URI and local name (compared in place, no copies).
    public func hasName(_ name: QualifiedName) -> Bool {
        Self.node(node, hasName: name)
    }

    static func node(_ node: xmlNodePtr, hasName name: QualifiedName) -> Bool {
        guard LibXMLText.equals(node.pointee.name, name.localName) else { return false }
        let href = node.pointee.ns?.pointee.href
        guard let namespaceURI = name.namespaceURI else { return href == nil }
        return LibXMLText.equals(href, namespaceURI)
    }

    /// The value of an attribute, matched by local name and namespace URI (nil = no namespace, the
    /// usual case for SAML attributes such as `ID` or `Destination`).
    public func attribute(_ localName: String, namespace: String? = nil) -> String? {
        guard let attribute = xmlHasNsProp(node, localName, namespace) else { return nil }
        guard attribute.pointee.type == XML_ATTRIBUTE_NODE else { return nil }
        return LibXMLText.value(of: attribute) ?? ""
    }

    /// The parent element, or nil for the document element.
    public var parent: LibXMLElement? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return LibXMLElement(node: parent, document: document)
    }

    /// The element and its subtree as XML text, for debugging and logs (not for signing).
    @_spi(Testing) public var serializedXML: String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        xmlNodeDump(buffer, document.pointer, node, 0, 0)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }
}
