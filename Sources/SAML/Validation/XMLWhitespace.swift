extension String {
    /// The string without leading and trailing XML white space (space, tab, CR, LF — XML 1.0 §2.3).
    ///
    /// NameIDs and attribute values are trimmed this way: it is the white space an IdP's pretty-printer
    /// adds, and it costs a fraction of Foundation's Unicode-aware trimming on the hot path.
    func trimmingXMLWhitespace() -> String {
        let utf8 = self.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        guard let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return self }
        return String(self[first...last])
    }
}
