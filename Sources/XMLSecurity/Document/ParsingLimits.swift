/// Bounds applied while parsing untrusted XML, so a hostile document costs bounded memory and time.
public struct ParsingLimits: Sendable, Equatable {
    /// Largest accepted document in bytes (SAML's HTTP-POST bodies are capped at 256 KiB before base64
    /// decoding, so a decoded response is smaller).
    public var maxBytes: Int
    /// Deepest accepted element nesting, root = 1. SAML responses nest about 8 levels; 64 leaves room
    /// for extensions while stopping stack-hungry recursion in consumers.
    public var maxDepth: Int

    /// Creates limits; the defaults suit SAML responses.
    public init(maxBytes: Int = 256 * 1024, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// The limits for SAML messages: 256 KiB, depth 64.
    public static let saml = ParsingLimits()
}
