import Foundation
import SAML
import Store
import TestSupport
import Testing

@testable import Admin

/// When the next fetch happens: after a success, as the document asks (but never in a tight loop); after
/// failures, backing off so that a broken IdP is not hammered, yet retried within the refresh interval.
struct MetadataRefresherTests {
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    static func metadata(validUntil: Date? = nil, cacheDuration: String? = nil) throws -> IdentityProviderMetadata {
        var document = MetadataDocument(signingCertificates: [TestKeys.idpRSADER])
        document.validUntil = validUntil
        document.cacheDuration = cacheDuration
        return try IdentityProviderMetadata(xml: document.bytes)
    }

    static func settings(refresh: Int = 6 * 3600) -> SAMLSettings {
        var settings = SAMLSettings()
        settings.metadataRefresh = refresh
        return settings
    }

    @Test func withoutHintsTheRefreshIntervalApplies() throws {
        let next = MetadataRefresher.nextFetch(
            after: Self.now, settings: Self.settings(), metadata: try Self.metadata())
        #expect(next == Self.now.addingTimeInterval(6 * 3600))
    }

    @Test func aShorterCacheDurationShortensTheInterval() throws {
        let metadata = try Self.metadata(cacheDuration: "PT1H")
        #expect(metadata.cacheDuration == 3600)
        let next = MetadataRefresher.nextFetch(after: Self.now, settings: Self.settings(), metadata: metadata)
        #expect(next == Self.now.addingTimeInterval(3600))
    }

    @Test func aLongerCacheDurationDoesNotLengthenIt() throws {
        let metadata = try Self.metadata(cacheDuration: "P2D")
        let next = MetadataRefresher.nextFetch(after: Self.now, settings: Self.settings(), metadata: metadata)
        #expect(next == Self.now.addingTimeInterval(6 * 3600))
    }

    @Test func aNearValidUntilBringsTheFetchToHalfwayThere() throws {
        let metadata = try Self.metadata(validUntil: Self.now.addingTimeInterval(2 * 3600))
        let next = MetadataRefresher.nextFetch(after: Self.now, settings: Self.settings(), metadata: metadata)
        #expect(next == Self.now.addingTimeInterval(3600))
    }

    @Test func theNextFetchIsNeverSoonerThanAMinute() throws {
        let tiny = try Self.metadata(cacheDuration: "PT5S")
        #expect(
            MetadataRefresher.nextFetch(after: Self.now, settings: Self.settings(), metadata: tiny)
                == Self.now.addingTimeInterval(60))
        let expiring = try Self.metadata(validUntil: Self.now.addingTimeInterval(30))
        #expect(
            MetadataRefresher.nextFetch(after: Self.now, settings: Self.settings(), metadata: expiring)
                == Self.now.addingTimeInterval(60))
    }

    @Test func anIntervalShorterThanAMinuteIsTheFloor() throws {
        let tiny = try Self.metadata(cacheDuration: "PT5S")
        #expect(
            MetadataRefresher.nextFetch(after: Self.now, settings: Self.settings(refresh: 30), metadata: tiny)
                == Self.now.addingTimeInterval(30))
    }

    @Test(arguments: [(1, 60), (2, 120), (3, 240), (4, 480), (5, 960), (6, 1920), (7, 3600), (8, 3600), (50, 3600)])
    func retriesDoubleFromAMinuteUpToAnHour(failures: Int, seconds: Int) {
        #expect(
            MetadataRefresher.retry(after: Self.now, settings: Self.settings(), failures: failures)
                == Self.now.addingTimeInterval(TimeInterval(seconds)))
    }

    @Test(arguments: [(1, 60), (4, 480), (5, 600), (9, 600)])
    func retriesNeverWaitLongerThanTheRefreshInterval(failures: Int, seconds: Int) {
        #expect(
            MetadataRefresher.retry(after: Self.now, settings: Self.settings(refresh: 600), failures: failures)
                == Self.now.addingTimeInterval(TimeInterval(seconds)))
    }
}
