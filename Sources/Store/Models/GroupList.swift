import Basics

/// A list of group names in one line of text: the `X-Samlgate-Groups` header value, and how sessions and
/// settings store their groups.
///
/// Names are comma-separated. Group names are the IdP's and may hold anything — LDAP and Active Directory
/// send distinguished names (`cn=Support,ou=Groups,dc=acme,dc=test`) — so in each name `%`, `,` and every
/// control character (U+0000–U+001F, U+007F) are percent-encoded (`%25`, `%2C`, `%0A` …) and everything
/// else, non-ASCII letters included, stays as it is (UTF-8). A reader splits on `,` and percent-decodes
/// each part; a name without those characters — nearly all — reads as itself.
public struct GroupList: Sendable, Hashable {
    /// The encoded line.
    public let encoded: String

    /// The most bytes an encoded list kept with a session may take. It travels in one header line of the
    /// `auth` answer: the shipped nginx snippet gives all of them 16 KiB, and Apache's mod_fcgid answers 500
    /// when one header line of an Authorizer's answer is much over 8 KiB (`Variable-SAMLGATE_GROUPS: ` included).
    public static let sessionByteLimit = 8000

    /// A list of `names`, in their order; empty names are left out.
    public init(_ names: [String]) {
        encoded = names.filter { !$0.isEmpty }.map(Self.encode).joined(separator: ",")
    }

    /// A list from its encoded line, as stored.
    public init(encoded: String) {
        self.encoded = encoded
    }

    /// `names` for a session: as many whole names, in their order, as fit in ``sessionByteLimit`` encoded
    /// bytes, and how many were left out.
    public static func bounded(_ names: [String]) -> (list: GroupList, omitted: Int) {
        var kept: [String] = []
        var bytes = 0
        for name in names where !name.isEmpty {
            let encoded = encode(name)
            let cost = encoded.utf8.count + (kept.isEmpty ? 0 : 1)
            guard bytes + cost <= sessionByteLimit else { break }
            bytes += cost
            kept.append(encoded)
        }
        let total = names.count(where: { !$0.isEmpty })
        return (GroupList(encoded: kept.joined(separator: ",")), total - kept.count)
    }

    /// The names, decoded.
    public var names: [String] {
        guard !encoded.isEmpty else { return [] }
        return encoded.split(separator: ",", omittingEmptySubsequences: true).map { Self.decode(Substring($0)) }
    }

    /// Whether there are no names.
    public var isEmpty: Bool { encoded.isEmpty }

    private static func needsEncoding(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "%") || byte == UInt8(ascii: ",")
    }

    private static func encode(_ name: String) -> String {
        guard name.utf8.contains(where: needsEncoding) else { return name }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + 8)
        for byte in name.utf8 {
            if needsEncoding(byte) {
                bytes.append(UInt8(ascii: "%"))
                bytes += Hex.encode([byte], uppercase: true).utf8
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func decode(_ part: Substring) -> String {
        guard part.utf8.contains(UInt8(ascii: "%")) else { return String(part) }
        var bytes: [UInt8] = []
        var rest = Array(part.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), let value = Hex.decode(rest.prefix(2)), value.count == 1 {
                bytes += value
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
