internal import CXML2

extension LibXMLElement {
    /// The element's text when it consists of exactly one text node and nothing else (untrimmed).
    ///
    /// SAML rule 10: a NameID or attribute value that contains a comment, a CDATA section or an element
    /// is rejected, because different parsers (and canonicalization with or without comments) would
    /// read different values from it — the classic comment-truncation attack.
    public func singleTextNode() -> Result<String, TextContentProblem> {
        var found: String?
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE:
                guard found == nil else { return .failure(.multipleTextNodes) }
                found = current.pointee.content.map { String(cString: $0) } ?? ""
            case XML_COMMENT_NODE:
                return .failure(.containsComment)
            case XML_CDATA_SECTION_NODE:
                return .failure(.containsCDATA)
            case XML_ELEMENT_NODE:
                return .failure(.containsElement(String(cString: current.pointee.name)))
            case XML_PI_NODE:
                return .failure(.containsProcessingInstruction)
            default:
                return .failure(.containsOtherNode)
            }
            child = current.pointee.next
        }
        guard let found else { return .failure(.empty) }
        return .success(found)
    }
}

/// Why an element's content is not a single plain text node.
public enum TextContentProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// No text at all.
    case empty
    /// More than one text node (libxml2 merges adjacent text, so something separated them).
    case multipleTextNodes
    /// A comment sits inside the value.
    case containsComment
    /// A CDATA section sits inside the value.
    case containsCDATA
    /// A child element (named) sits inside the value.
    case containsElement(String)
    /// A processing instruction sits inside the value.
    case containsProcessingInstruction
    /// Some other node kind sits inside the value.
    case containsOtherNode

    /// A short phrase for rejection reasons, e.g. "contains a comment".
    public var description: String {
        switch self {
        case .empty: return "is empty"
        case .multipleTextNodes: return "has more than one text node"
        case .containsComment: return "contains a comment"
        case .containsCDATA: return "contains a CDATA section"
        case .containsElement(let name): return "contains an element <\(name)>"
        case .containsProcessingInstruction: return "contains a processing instruction"
        case .containsOtherNode: return "contains a non-text node"
        }
    }
}
