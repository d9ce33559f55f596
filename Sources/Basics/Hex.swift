/// Hexadecimal text for bytes: request IDs, certificate fingerprints, the secret file and PostgreSQL `bytea`.
public enum Hex {
    private static let lower = Array("0123456789abcdef".utf8)
    private static let upper = Array("0123456789ABCDEF".utf8)

    /// `bytes` as hex digits, optionally upper-case and joined by `separator` (e.g. `:` for fingerprints).
    public static func encode(_ bytes: [UInt8], uppercase: Bool = false, separator: Character? = nil) -> String {
        let digits = uppercase ? upper : lower
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0, let separator { output.append(contentsOf: Array(String(separator).utf8)) }
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes spelt by `digits` (ASCII hex, either case, no separators); nil for an odd count or any other byte.
    public static func decode(_ digits: some Collection<UInt8>) -> [UInt8]? {
        guard digits.count.isMultiple(of: 2) else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for digit in digits {
            guard let value = digitValue(digit) else { return nil }
            if let first = high {
                output.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return output
    }

    /// The value of one hex digit (either case), or nil: the one reading of hex digits, for the secret
    /// file and for `%XX` escapes alike. Inlinable because URL decoding calls it per escape.
    @inlinable
    public static func digitValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
