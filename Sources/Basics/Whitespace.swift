/// Which characters count as white space at the ends of a value: each protocol says, so each caller names its rule.
///
/// Both rules are ASCII only, so trimming works on UTF-8 bytes and never splits a character: a
/// no-break space or an em space is part of the value (an identity, a cookie) and is kept.
public enum Whitespace: Sendable {
    /// XML 1.0's white space (production S): space, tab, CR and LF. Also the white space around a
    /// PEM line (RFC 7468) and at the end of a libxml2 message.
    case xml
    /// HTTP's optional white space (OWS, RFC 9110 §5.6.3): space and tab.
    case http

    /// Whether `byte` is white space under this rule.
    @inlinable
    public func contains(_ byte: UInt8) -> Bool {
        switch self {
        case .xml: byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
        case .http: byte == 0x20 || byte == 0x09
        }
    }
}

extension BidirectionalCollection where Element == UInt8 {
    /// The bytes without `whitespace` at either end: a slice, nothing copied (the cookie parser runs on every request).
    @inlinable
    public func trimming(_ whitespace: Whitespace) -> SubSequence {
        guard let first = firstIndex(where: { !whitespace.contains($0) }),
            let last = lastIndex(where: { !whitespace.contains($0) })
        else { return self[endIndex...] }
        return self[first...last]
    }
}

extension StringProtocol {
    /// The text without `whitespace` at either end, as a slice of it.
    @inlinable
    public func trimming(_ whitespace: Whitespace) -> Substring {
        Substring(Substring(self).utf8.trimming(whitespace))
    }
}
