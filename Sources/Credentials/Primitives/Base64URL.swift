import Foundation

/// Unpadded URL-safe base64 (RFC 4648 §5), for tokens that travel in cookies and URLs.
public enum Base64URL {
    /// Encodes bytes without padding, using `-` and `_`.
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
