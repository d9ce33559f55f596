import Basics
import Credentials
/// Percent-encoding for query parameters of redirect URLs.
public enum URLEncoding {
    /// Encodes everything but RFC 3986 unreserved characters, so base64's `+`, `/` and `=` survive.
    public static func queryValue(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// Decodes a `application/x-www-form-urlencoded` value (`+` is a space); nil on a bad escape or bad UTF-8.
    public static func formValue(_ encoded: String) -> String? {
        var encoded = encoded
        return encoded.withUTF8 { formValue(bytes: $0) }
    }

    /// Decodes a form value given as a substring, as ``formValue(_:)-(String)``.
    public static func formValue(_ encoded: Substring) -> String? {
        formValue(String(encoded))
    }

    /// Decodes a form value given as UTF-8 bytes. A byte loop, not a generic string walk: every ACS
    /// post-back carries ~7 KB of percent-encoded base64 through it.
    public static func formValue(bytes input: UnsafeBufferPointer<UInt8>) -> String? {
        var malformed = false
        // Decoded straight into the array's storage: never longer than the input.
        let bytes = [UInt8](unsafeUninitializedCapacity: input.count) { output, count in
            var index = 0
            var written = 0
            while index < input.count {
                let byte = input[index]
                if byte == UInt8(ascii: "+") {
                    output[written] = UInt8(ascii: " ")
                } else if byte == UInt8(ascii: "%") {
                    guard index + 2 < input.count, let high = Hex.digitValue(input[index + 1]),
                        let low = Hex.digitValue(input[index + 2])
                    else {
                        malformed = true
                        break
                    }
                    output[written] = high << 4 | low
                    index += 2
                } else {
                    output[written] = byte
                }
                written += 1
                index += 1
            }
            count = written
        }
        return malformed ? nil : String(validating: bytes, as: UTF8.self)
    }
}
