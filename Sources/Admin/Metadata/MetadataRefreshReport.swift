import Foundation

/// What one refresh of one account did.
public struct MetadataRefreshReport: Sendable {
    /// How it ended.
    public enum Outcome: Sendable {
        /// The document was applied; `changed` says whether the settings differ from before.
        case applied(MetadataUpdate, changed: Bool)
        /// The document was not applied (nothing changed but certificates whose grace ended).
        case refused(MetadataRefusal)
        /// Another fetcher holds the lease, or the refresh is not due: nothing was done.
        case skipped
    }

    /// The account's slug.
    public let slug: String
    /// How it ended.
    public let outcome: Outcome
    /// When the next fetch is due (nil when skipped).
    public let nextFetchAt: Date?
}
