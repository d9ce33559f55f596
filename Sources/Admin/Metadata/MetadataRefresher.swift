import Fetch
import Foundation
import SAML
import Store

/// Fetches an account's metadata URL and applies the document (``MetadataApplication``), coordinated
/// through the store so that one fetcher at a time works on an account, however many processes and
/// nodes share it.
///
/// The lease is taken in a write transaction before the fetch and released when the outcome is
/// recorded; the fetch itself runs outside any transaction, so a slow IdP never holds the write lock.
/// A fetcher that dies keeps the lease only until ``leaseDuration`` has passed.
public struct MetadataRefresher: Sendable {
    /// The store holding the settings and the refresh state.
    public let store: Store
    /// The https client.
    public let fetcher: DocumentFetcher
    /// Who holds a lease (host and process), for an admin reading the store.
    public let owner: String

    /// How long a lease lasts: longer than any fetch with its redirects can take.
    public static let leaseDuration: TimeInterval = 300
    /// The first retry after a failure; each further failure doubles it, up to an hour (or the refresh
    /// interval, if shorter).
    public static let firstRetry: TimeInterval = 60

    /// A refresher for `store`.
    public init(store: Store, fetcher: DocumentFetcher = DocumentFetcher(), owner: String? = nil) {
        self.store = store
        self.fetcher = fetcher
        self.owner = owner ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Refreshes every account whose refresh is due at `now`; one report per account tried.
    public func refreshDue(now: Date = Date()) throws -> [MetadataRefreshReport] {
        try store.read { try $0.dueMetadataRefreshes(now: now) }.map { try refresh(slug: $0, now: now, force: false) }
    }

    /// Refreshes the account `slug` now; with `force` (the CLI) even when not due or leased.
    public func refresh(slug: String, now: Date = Date(), force: Bool = true) throws -> MetadataRefreshReport {
        let leased = try store.write { tx -> (accountID: Int64, url: String)? in
            let account = try tx.requireAccount(slug: slug)
            let settings = try tx.samlSettings(accountID: account.id)
            guard let url = settings.idpMetadataURL else { throw AdminError.noMetadataURL(slug) }
            let taken = try tx.takeMetadataLease(
                accountID: account.id, owner: owner, now: now, until: now.addingTimeInterval(Self.leaseDuration),
                force: force)
            return taken ? (account.id, url) : nil
        }
        guard let leased else { return MetadataRefreshReport(slug: slug, outcome: .skipped, nextFetchAt: nil) }
        let fetched: Result<[UInt8], MetadataRefusal>
        do {
            fetched = .success(try fetcher.fetch(leased.url))
        } catch {
            fetched = .failure(MetadataRefusal(.fetch, "\(error)"))
        }
        return try store.write { tx in
            // Held until the end, so an admin's save made meanwhile is the base of this update, not undone by it.
            let settings = try tx.lockedSAMLSettings(accountID: leased.accountID)
            let lastSeen = try tx.metadataCertificatesLastSeen(accountID: leased.accountID)
            let state = try tx.metadataRefreshState(accountID: leased.accountID)
            guard settings.idpMetadataURL == leased.url else {
                // The URL changed during the fetch: whoever changed it fetched the new one.
                return MetadataRefreshReport(slug: slug, outcome: .skipped, nextFetchAt: nil)
            }
            do {
                let update = try MetadataApplication.apply(
                    try fetched.get(), to: settings, lastSeen: lastSeen, now: now)
                let changed = update.settings != settings
                if changed { try tx.saveSAMLSettings(accountID: leased.accountID, update.settings, now: now) }
                try tx.markMetadataCertificatesSeen(
                    accountID: leased.accountID, sha256s: update.metadata.certificates.map(\.sha256), now: now)
                let next = Self.nextFetch(after: now, settings: settings, metadata: update.metadata)
                try tx.recordMetadataRefresh(
                    accountID: leased.accountID, now: now, error: nil, nextFetchAt: next,
                    documentSHA256: update.documentSHA256)
                return MetadataRefreshReport(slug: slug, outcome: .applied(update, changed: changed), nextFetchAt: next)
            } catch let refusal as MetadataRefusal {
                if let expired = MetadataApplication.expireGrace(of: settings, lastSeen: lastSeen, now: now) {
                    try tx.saveSAMLSettings(accountID: leased.accountID, expired, now: now)
                }
                let next = Self.retry(after: now, settings: settings, failures: (state?.failures ?? 0) + 1)
                try tx.recordMetadataRefresh(
                    accountID: leased.accountID, now: now, error: refusal.description, nextFetchAt: next)
                return MetadataRefreshReport(slug: slug, outcome: .refused(refusal), nextFetchAt: next)
            }
        }
    }

    /// The next fetch after a success: the refresh interval, sooner when the document's cacheDuration
    /// says so, and at the latest halfway to its validUntil; never sooner than a minute (or the
    /// interval, when shorter).
    public static func nextFetch(after now: Date, settings: SAMLSettings, metadata: IdentityProviderMetadata) -> Date {
        var delay = TimeInterval(settings.metadataRefresh)
        if let cache = metadata.cacheDuration { delay = min(delay, TimeInterval(cache)) }
        if let validUntil = metadata.validUntil { delay = min(delay, validUntil.timeIntervalSince(now) / 2) }
        return now.addingTimeInterval(max(delay, min(60, TimeInterval(settings.metadataRefresh))))
    }

    /// The next try after the `failures`-th failure in a row: a minute, doubling, at most an hour or
    /// the refresh interval.
    public static func retry(after now: Date, settings: SAMLSettings, failures: Int) -> Date {
        let backoff = firstRetry * pow(2, Double(min(max(failures - 1, 0), 10)))
        return now.addingTimeInterval(min(backoff, 3600, TimeInterval(settings.metadataRefresh)))
    }
}
