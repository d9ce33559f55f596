import Basics

/// How an identity (an email or a NameID) is read, wherever it comes from: an IdP's Assertion, the
/// password form, or an admin's `samlgate user add` (ACS rule 10).
///
/// Trimmed of XML white space only, and refused when any other white space or a control character is
/// left: a no-break space, an em space or a C1 control is invisible on a page, so an identity that
/// holds one is either a mistake or an attempt to look like somebody else. Comparison folds ASCII
/// letters only (see ``key(_:)``).
public enum Identity {
    /// Why a candidate identity is refused.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Nothing is left after trimming.
        case empty
        /// White space other than the leading and trailing XML white space (e.g. U+00A0 no-break space).
        case whitespace(Unicode.Scalar)
        /// A control character (C0, DEL or C1).
        case control(Unicode.Scalar)

        /// A sentence for admins naming the offending character by its code point.
        public var description: String {
            switch self {
            case .empty: "it is empty"
            case .whitespace(let scalar): "it contains the white space character \(Self.codePoint(scalar))"
            case .control(let scalar): "it contains the control character \(Self.codePoint(scalar))"
            }
        }

        private static func codePoint(_ scalar: Unicode.Scalar) -> String {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// `raw` trimmed of XML white space, or the reason it cannot be an identity.
    public static func normalized(_ raw: String) throws(Problem) -> String {
        let trimmed = raw.trimmingXMLWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        // Printable ASCII, the common case, has neither: one pass over the bytes decides.
        guard trimmed.utf8.contains(where: { $0 < 0x21 || $0 >= 0x7F }) else { return trimmed }
        for scalar in trimmed.unicodeScalars {
            if scalar.isControlCharacter { throw .control(scalar) }
            if scalar.properties.isWhitespace { throw .whitespace(scalar) }
        }
        return trimmed
    }

    /// The key identities are compared by: ASCII letters folded to lower case, every other character as it is.
    ///
    /// Unicode case folding would make the Kelvin sign (U+212A) equal to `k` and `ß` equal to `ss`, so
    /// an IdP that lets a user choose such a name would sign them in as someone else.
    public static func key(_ identity: String) -> String {
        let bytes = identity.utf8
        guard bytes.contains(where: { (0x41...0x5A).contains($0) }) else { return identity }
        return String(decoding: bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
