import Foundation
import SAML
import Store

/// What the settings page and `saml show` say about an account's metadata URL: the one rule for when
/// a refresh counts as failing, and each certificate's origin.
public struct MetadataSourceStatus: Sendable {
    /// The refresh state (nil: no fetch recorded yet).
    public let state: MetadataRefreshState?
    /// When each metadata certificate was last seen in a fetched document.
    public let lastSeen: [String: Date]
    /// The settings the status is about.
    public let settings: SAMLSettings

    /// How long refreshes may fail before the page and `saml show` warn: a day, so a short IdP outage is
    /// quiet but a broken URL is seen well before a rollover locks users out.
    public static let failingWarningAfter: TimeInterval = 86_400

    /// The status of `settings` with its refresh `state` and certificates' `lastSeen` times.
    public init(settings: SAMLSettings, state: MetadataRefreshState?, lastSeen: [String: Date]) {
        self.settings = settings
        self.state = state
        self.lastSeen = lastSeen
    }

    /// The warning to show when refreshes have failed for more than ``failingWarningAfter``, else nil.
    public func failingWarning(now: Date) -> String? {
        guard let since = state?.failingSince, now.timeIntervalSince(since) > Self.failingWarningAfter else {
            return nil
        }
        let days = Int(now.timeIntervalSince(since) / 86_400)
        return "the IdP metadata refresh has failed for \(days == 1 ? "1 day" : "\(days) days")"
            + (state?.lastError.map { ": \($0)" } ?? "")
    }

    /// Where a certificate came from, and, for a metadata certificate gone from the last document, until
    /// when it stays trusted.
    public func origin(of sha256: String) -> String {
        guard settings.metadataCertificates.contains(sha256) else { return "uploaded" }
        guard let seen = lastSeen[sha256], let success = state?.lastSuccessAt, seen < success else {
            return "metadata"
        }
        let until = seen.addingTimeInterval(TimeInterval(settings.metadataCertGrace))
        return "metadata, gone from the document; trusted until \(SAMLTime.format(until))"
    }
}
