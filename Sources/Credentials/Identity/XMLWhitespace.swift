import Basics

extension String {
    /// The string without leading and trailing XML white space (space, tab, CR, LF — XML 1.0 §2.3).
    ///
    /// The one trimming rule for identities, NameIDs and attribute values (ACS rule 10): it removes
    /// the white space an IdP's pretty-printer adds and nothing else — a no-break space or an em space
    /// is part of the value, so it can never make two identities collide.
    public func trimmingXMLWhitespace() -> String {
        let trimmed = trimming(.xml)
        // Nearly every value has nothing to trim: keep the string rather than copy it.
        return trimmed.startIndex == startIndex && trimmed.endIndex == endIndex ? self : String(trimmed)
    }
}
