import Foundation
import SAML
import TestSupport
import XMLSecurity

/// Runs a built response through both validation phases, as the ACS endpoint will.
enum Validation {
    static let provider = ServiceProvider(slug: "acme", baseURL: "https://help.example.com")

    static func validator(
        policy: IdentityProviderPolicy = IdentityProviderPolicy(),
        certificates: [[UInt8]] = [TestKeys.idpRSADER, TestKeys.idpECDER],
        decryptionKeys: [DecryptionKey] = [TestKeys.sp]
    ) throws -> ResponseValidator {
        try ResponseValidator(
            provider: provider, policy: policy, certificatesDER: certificates, decryptionKeys: decryptionKeys)
    }

    static func run(
        _ encoded: String?, policy: IdentityProviderPolicy = IdentityProviderPolicy(), now: Date? = nil,
        ledger: MemoryLedger = MemoryLedger(), certificates: [[UInt8]] = [TestKeys.idpRSADER, TestKeys.idpECDER],
        decryptionKeys: [DecryptionKey] = [TestKeys.sp]
    ) throws -> Result<AcceptedResponse, Rejection> {
        let validator = try validator(policy: policy, certificates: certificates, decryptionKeys: decryptionKeys)
        let time = now ?? ResponseBuilder().now
        switch validator.verify(samlResponse: encoded, now: time) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let verified): return try validator.complete(verified, ledger: ledger, now: time)
        }
    }

    static func run(
        _ builder: ResponseBuilder, policy: IdentityProviderPolicy = IdentityProviderPolicy(), now: Date? = nil,
        ledger: MemoryLedger = MemoryLedger(), decryptionKeys: [DecryptionKey] = [TestKeys.sp]
    ) throws -> Result<AcceptedResponse, Rejection> {
        try run(
            builder.encoded(), policy: policy, now: now ?? builder.now, ledger: ledger, decryptionKeys: decryptionKeys)
    }
}

extension Result where Failure == Rejection {
    /// The rejection, or nil when accepted.
    var rejection: Rejection? {
        if case .failure(let rejection) = self { return rejection }
        return nil
    }

    /// The accepted response, or nil.
    var accepted: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
