/// Bounds on one document fetch, so a slow, huge or looping server costs a known, small amount.
public struct FetchLimits: Sendable, Hashable {
    /// The largest body accepted, in bytes (1 MiB: federation-wide aggregates are not what an SP
    /// fetches; one IdP's metadata is a few kilobytes).
    public var maxBytes: Int = 1 << 20
    /// Seconds to wait for a connection (TCP and TLS).
    public var connectTimeout: Int = 10
    /// Seconds the whole transfer may take, redirects each counting afresh.
    public var timeout: Int = 30
    /// Redirects followed at most.
    public var maxRedirects: Int = 5

    /// The defaults: 1 MiB, 10 s to connect, 30 s in all, 5 redirects.
    public init() {}
}
