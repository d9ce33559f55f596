import Foundation
import SAML

/// A ledger in memory, standing in for the store's request and replay tables.
public final class MemoryLedger: RequestLedger {
    /// Outstanding AuthnRequest IDs and the return path each was made for.
    public var pending: [String: String?] = [:]
    /// Assertion IDs recorded so far.
    public var seen: Set<String> = []

    /// An empty ledger.
    public init() {}

    /// Removes and returns the request's return path, as the store does.
    public func consumeRequest(id requestID: String, now: Date) throws -> ConsumedRequest? {
        pending.removeValue(forKey: requestID).map(ConsumedRequest.init(returnPath:))
    }

    /// Records the ID; false when it was seen before, as the store does.
    public func recordAssertion(id assertionID: String, keepUntil: Date) throws -> Bool {
        seen.insert(assertionID).inserted
    }
}
