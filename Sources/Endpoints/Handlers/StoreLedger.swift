import Foundation
import SAML
import Store

/// The SAML validator's request and replay lookups, answered by the store inside the ACS transaction.
struct StoreLedger: RequestLedger {
    let transaction: StoreTransaction
    let accountID: Int64

    func consumeRequest(id requestID: String, now: Date) throws -> ConsumedRequest? {
        try transaction.consumeRequest(accountID: accountID, requestID: requestID, now: now).map {
            ConsumedRequest(returnPath: $0.returnTo)
        }
    }

    func recordAssertion(id assertionID: String, keepUntil: Date) throws -> Bool {
        try transaction.recordAssertion(accountID: accountID, assertionID: assertionID, keepUntil: keepUntil)
    }
}
