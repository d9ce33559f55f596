import Foundation

/// Standard base64 decoding that tolerates only white space between characters.
///
/// SAML's HTTP-POST binding and pasted certificates wrap base64 across lines, so spaces, tabs and
/// line breaks are allowed; any other stray character means the input is not what it claims to be
/// and is refused rather than skipped (Foundation's `.ignoreUnknownCharacters` would skip it).
public enum StrictBase64 {
    /// Decodes `text`, or returns nil when it holds anything but base64 characters, padding and white space.
    public static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var compact = [UInt8]()
        compact.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                compact.append(byte)
            default:
                return nil
            }
        }
        guard !compact.isEmpty, compact.count % 4 == 0 else { return nil }
        guard let data = Data(base64Encoded: Data(compact)) else { return nil }
        return [UInt8](data)
    }
}
