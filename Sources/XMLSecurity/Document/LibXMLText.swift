internal import CXML2

/// Reads libxml2 strings without the copies `String(cString:)` and `xmlNodeGetContent` make.
///
/// Name checks and attribute reads run for every element the validator looks at, so they compare the
/// C bytes in place instead of building a `String` (an allocation) per check.
enum LibXMLText {
    /// True when the NUL-terminated `cString` holds exactly the UTF-8 bytes of `string`.
    static func equals(_ cString: UnsafePointer<xmlChar>?, _ string: String) -> Bool {
        guard let cString else { return false }
        if let result = string.utf8.withContiguousStorageIfAvailable({ equals(cString, $0) }) { return result }
        return Array(string.utf8).withUnsafeBufferPointer { equals(cString, $0) }
    }

    /// Compares byte by byte and stops at the first NUL, so it never reads past a shorter C string.
    private static func equals(_ cString: UnsafePointer<xmlChar>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<bytes.count {
            let byte = cString[index]
            guard byte != 0, byte == bytes[index] else { return false }
        }
        return cString[bytes.count] == 0
    }

    /// The value of a parsed attribute: its single text child read in place, or libxml2's general
    /// (copying) reader for anything else. Nil only when libxml2 cannot produce a value.
    static func value(of attribute: xmlAttrPtr) -> String? {
        guard let child = attribute.pointee.children else { return "" }
        if child.pointee.type == XML_TEXT_NODE, child.pointee.next == nil {
            return child.pointee.content.map { String(cString: $0) } ?? ""
        }
        let node = UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self)
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { CXML2_free(content) }
        return String(cString: content)
    }
}
