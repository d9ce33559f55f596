/// Standard base64 decoding that tolerates only white space between characters.
///
/// SAML's HTTP-POST binding and pasted certificates wrap base64 across lines, so spaces, tabs and
/// line breaks are allowed; any other stray character means the input is not what it claims to be
/// and is refused rather than skipped (Foundation's `.ignoreUnknownCharacters` would skip it).
/// Hand-written over bytes because it runs on every ACS post-back, where a generic string walk
/// followed by Foundation's decoder would be a large share of the validation time.
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
        table.withUnsafeBufferPointer { table in
            groupTable.withUnsafeBufferPointer { groupTable in decode(input, table: table, groupTable: groupTable) }
        }
    }

    /// Writes straight into the result's storage (sized for the longest possible output) and takes
    /// four data characters at a time when it can; white space, padding and errors go through the
    /// one-character state machine, so both paths accept and refuse exactly the same inputs.
    private static func decode(
        _ input: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, groupTable: UnsafeBufferPointer<UInt32>
    ) -> [UInt8]? {
        // Every 4 non-space characters give at most 3 bytes, so this bound holds whatever the spacing.
        let capacity = input.count / 4 * 3
        guard capacity > 0 else { return nil }
        var valid = false
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            initialized = 0
            // Plain pointers in locals: the loop then keeps them in registers.
            guard let source = input.baseAddress, let map = table.baseAddress, let groups = groupTable.baseAddress,
                let target = buffer.baseAddress
            else { return }
            let end = input.count
            var index = 0
            var written = 0
            var quad: UInt32 = 0
            var count = 0
            var padding = 0
            while index < end {
                // Fast path: a whole group of data characters at a group boundary (values < 64 only
                // when none of the four is padding, white space or invalid).
                // Indices stay below the input and capacity sizes, so wrapping arithmetic is exact here.
                if count == 0, padding == 0, end &- index >= 4 {
                    let group =
                        groups[Int(source[index])] | groups[256 &+ Int(source[index &+ 1])]
                        | groups[512 &+ Int(source[index &+ 2])] | groups[768 &+ Int(source[index &+ 3])]
                    if group & notData == 0 {
                        let out = target + written
                        out[0] = UInt8(truncatingIfNeeded: group >> 16)
                        out[1] = UInt8(truncatingIfNeeded: group >> 8)
                        out[2] = UInt8(truncatingIfNeeded: group)
                        written &+= 3
                        index &+= 4
                        continue
                    }
                }
                let value = map[Int(source[index])]
                index += 1
                if value < 64 {
                    guard padding == 0 else { return }  // data after '='
                    quad = quad << 6 | UInt32(value)
                    count += 1
                } else if value == padValue {
                    padding += 1
                    guard padding <= 2 else { return }
                    quad <<= 6
                    count += 1
                } else if value == spaceValue {
                    continue
                } else {
                    return
                }
                if count == 4 {
                    target[written] = UInt8(truncatingIfNeeded: quad >> 16)
                    written += 1
                    if padding < 2 {
                        target[written] = UInt8(truncatingIfNeeded: quad >> 8)
                        written += 1
                    }
                    if padding < 1 {
                        target[written] = UInt8(truncatingIfNeeded: quad)
                        written += 1
                    }
                    quad = 0
                    count = 0
                }
            }
            initialized = written
            // A partial group at the end, or nothing at all, is not base64 of anything.
            valid = count == 0 && written > 0
        }
        return valid ? output : nil
    }

    /// The four characters of a group, each already shifted into place: `groups[256 * position + byte]`
    /// is the character's 6 bits at its position in the 24-bit group, or ``notData`` for anything that
    /// is not a base64 data character. One OR of four lookups decodes a group and flags any exception.
    private static let groupTable: [UInt32] = {
        var groups = [UInt32](repeating: notData, count: 4 * 256)
        for byte in 0..<256 where table[byte] < 64 {
            for position in 0..<4 {
                groups[256 * position + byte] = UInt32(table[byte]) << UInt32(18 - 6 * position)
            }
        }
        return groups
    }()

    private static let notData: UInt32 = 0x8000_0000
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
