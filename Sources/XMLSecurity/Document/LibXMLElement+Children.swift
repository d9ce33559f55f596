internal import CXML2

/// Finding child and descendant elements.
///
/// The searches walk libxml2's tree in place and make an ``LibXMLElement`` handle (one retain of the
/// document each) only for the elements they return: the validator looks for one element among
/// dozens, and a handle per visited element would be most of a validation's allocations.
extension LibXMLElement {
    /// The element children in document order (text, comments and the like are skipped).
    public var childElements: [LibXMLElement] {
        var result: [LibXMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                result.append(LibXMLElement(node: current, document: document))
            }
            child = current.pointee.next
        }
        return result
    }

    /// The element children with the given name, in document order.
    ///
    /// Only matches get a handle: most lookups find one element among many children.
    public func childElements(named name: QualifiedName) -> [LibXMLElement] {
        childElements { Self.node($0, hasName: name) }
    }

    /// The element children with any of the given names, in document order.
    public func childElements(namedAnyOf names: [QualifiedName]) -> [LibXMLElement] {
        childElements { current in names.contains { Self.node(current, hasName: $0) } }
    }

    /// The element children for which `matches` holds, each with a handle.
    @inline(__always)
    private func childElements(where matches: (xmlNodePtr) -> Bool) -> [LibXMLElement] {
        var result: [LibXMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, matches(current) {
                result.append(LibXMLElement(node: current, document: document))
            }
            child = current.pointee.next
        }
        return result
    }

    /// The first element child with the given name, for optional elements where a second one would
    /// not matter (or is checked separately with ``childElements(named:)``).
    public func firstChildElement(named name: QualifiedName) -> LibXMLElement? {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, Self.node(current, hasName: name) {
                return LibXMLElement(node: current, document: document)
            }
            child = current.pointee.next
        }
        return nil
    }

    /// All elements below this one (not including it), depth-first in document order.
    public var descendantElements: [LibXMLElement] {
        var result: [LibXMLElement] = []
        walkDescendants { current in
            result.append(LibXMLElement(node: current, document: document))
            return true
        }
        return result
    }

    /// The elements below this one (not including it) with the given name, in document order.
    ///
    /// Walks the tree in place and makes handles for matches only, so a whole-document search (one
    /// Assertion among dozens of elements) costs no allocation per element.
    public func descendantElements(named name: QualifiedName) -> [LibXMLElement] {
        descendantElements(namedAnyOf: [name])
    }

    /// The elements below this one with any of the given names, in document order, found in one walk.
    public func descendantElements(namedAnyOf names: [QualifiedName]) -> [LibXMLElement] {
        var result: [LibXMLElement] = []
        walkDescendants { current in
            if names.contains(where: { Self.node(current, hasName: $0) }) {
                result.append(LibXMLElement(node: current, document: document))
            }
            return true
        }
        return result
    }

    /// True when some element below this one has the given name.
    public func hasDescendantElement(named name: QualifiedName) -> Bool {
        var found = false
        walkDescendants { current in
            found = Self.node(current, hasName: name)
            return !found
        }
        return found
    }

    /// Visits the element nodes below this one in document order until `visit` returns false.
    ///
    /// Iterative (child, next, parent links), so it needs no stack however deep the tree is.
    func walkDescendants(_ visit: (xmlNodePtr) -> Bool) {
        var next = node.pointee.children
        while let current = next {
            if current.pointee.type == XML_ELEMENT_NODE {
                guard visit(current) else { return }
                if let child = current.pointee.children {
                    next = child
                    continue
                }
            }
            var cursor = current
            while cursor.pointee.next == nil {
                guard let parent = cursor.pointee.parent, parent != node else { return }
                cursor = parent
            }
            next = cursor.pointee.next
        }
    }
}
