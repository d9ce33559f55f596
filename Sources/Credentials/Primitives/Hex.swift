/// Hexadecimal text for bytes: request IDs and certificate fingerprints.
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
}
