import Foundation

/// Decodes unpadded URL-safe base64 as written by ``Base64URL``.
enum Base64URLDecoder {
    static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }
}
