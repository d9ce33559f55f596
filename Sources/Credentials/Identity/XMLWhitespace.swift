extension String {
    /// The string without leading and trailing XML white space (space, tab, CR, LF — XML 1.0 §2.3).
    ///
    /// The one trimming rule for identities, NameIDs and attribute values (ACS rule 10): it removes
    /// the white space an IdP's pretty-printer adds and nothing else — a no-break space or an em space
    /// is part of the value, so it can never make two identities collide.
    public func trimmingXMLWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !$0.isXMLWhitespace }) else { return "" }
        guard let last = utf8.lastIndex(where: { !$0.isXMLWhitespace }) else { return "" }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return self }
        return String(self[first...last])
    }
}

extension UInt8 {
    /// Space, tab, LF or CR: XML 1.0's white space (production S).
    var isXMLWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
