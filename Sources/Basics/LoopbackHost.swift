/// The one rule for "this host never leaves the machine", used where plain http is allowed only for a
/// local test IdP or metadata server.
public enum LoopbackHost {
    /// Whether `host` (as a URL carries it) is `localhost`, a name under it, `::1` or a 127.0.0.0/8
    /// dotted-quad literal. "127.evil.example" is a public name, not a loopback address.
    public static func contains(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "[::1]" || lowered == "::1" {
            return true
        }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
