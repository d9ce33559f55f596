/// Standard base64 decoding that tolerates only white space between characters.
///
/// SAML's HTTP-POST binding and pasted certificates wrap base64 across lines, so spaces, tabs and
/// line breaks are allowed; any other stray character means the input is not what it claims to be
/// and is refused rather than skipped (Foundation's `.ignoreUnknownCharacters` would skip it).
/// Hand-written over bytes because it runs on every ACS post-back: it was a third of the
/// validation time as a generic string walk followed by Foundation's decoder.
public enum StrictBase64 {
    /// Decodes `text`, or returns nil when it holds anything but base64 characters, padding and white space.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(bytes: $0) }
    }

    /// Decodes `text`, as ``decode(_:)``.
    public static func decode(_ text: Substring) -> [UInt8]? {
        decode(String(text))
    }

    /// Decodes base64 given as bytes.
    public static func decode(bytes input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        table.withUnsafeBufferPointer { table in decode(input, table: table) }
    }

    private static func decode(_ input: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output = [UInt8]()
        output.reserveCapacity(input.count / 4 * 3)
        var quad: UInt32 = 0
        var count = 0
        var padding = 0
        for byte in input {
            let value = table[Int(byte)]
            if value < 64 {
                guard padding == 0 else { return nil }  // data after '='
                quad = quad << 6 | UInt32(value)
                count += 1
            } else if value == padValue {
                padding += 1
                guard padding <= 2 else { return nil }
                quad <<= 6
                count += 1
            } else if value == spaceValue {
                continue
            } else {
                return nil
            }
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: quad >> 16))
                if padding < 2 { output.append(UInt8(truncatingIfNeeded: quad >> 8)) }
                if padding < 1 { output.append(UInt8(truncatingIfNeeded: quad)) }
                quad = 0
                count = 0
            }
        }
        // A partial group at the end, or nothing at all, is not base64 of anything.
        guard count == 0, !output.isEmpty else { return nil }
        return output
    }

    private static let padValue: UInt8 = 65
    private static let spaceValue: UInt8 = 66
    private static let invalidValue: UInt8 = 255

    /// Byte → 6-bit value, or a marker for padding, white space, or invalid.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: invalidValue, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        table[Int(UInt8(ascii: "="))] = padValue
        for space in [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")] {
            table[Int(space)] = spaceValue
        }
        return table
    }()
}
