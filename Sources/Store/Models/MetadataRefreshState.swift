import Foundation

/// Where an account's metadata refresh stands: what the settings page, `saml show` and the metrics report.
public struct MetadataRefreshState: Sendable, Hashable {
    /// When the next fetch is due.
    public var nextFetchAt: Date
    /// When a fetch was last tried, if ever.
    public var lastAttemptAt: Date?
    /// When a fetched document was last applied, if ever.
    public var lastSuccessAt: Date?
    /// Why the last attempt failed; nil when it succeeded (or none was made).
    public var lastError: String?
    /// The first failure since the last success; nil when the last attempt succeeded.
    public var failingSince: Date?
    /// Failures in a row since the last success (it sets the back-off).
    public var failures: Int
    /// Failures since the URL was set, for the metrics' counter.
    public var failuresTotal: Int
    /// The SHA-256 of the last document applied.
    public var documentSHA256: String?

    /// A state; times are UTC instants.
    public init(
        nextFetchAt: Date, lastAttemptAt: Date? = nil, lastSuccessAt: Date? = nil, lastError: String? = nil,
        failingSince: Date? = nil, failures: Int = 0, failuresTotal: Int = 0, documentSHA256: String? = nil
    ) {
        self.nextFetchAt = nextFetchAt
        self.lastAttemptAt = lastAttemptAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.failingSince = failingSince
        self.failures = failures
        self.failuresTotal = failuresTotal
        self.documentSHA256 = documentSHA256
    }
}
