import Foundation
import Testing
import TestSupport

@testable import SAML

/// Rules 8 and 9, stateful part: InResponseTo against our pending requests, IdP-initiated policy, replay.
@Suite(.timeLimit(.minutes(1)))
struct ResponseValidatorStateTests {
    @Test func answerToOurRequestIsAcceptedOnceWithItsReturnPath() throws {
        let ledger = MemoryLedger()
        ledger.pending["_req1"] = "/tickets/7"
        var builder = ResponseBuilder()
        builder.responseInResponseTo = "_req1"
        builder.confirmationInResponseTo = "_req1"
        let accepted = try #require(try Validation.run(builder, ledger: ledger).accepted)
        #expect(accepted.spInitiated && accepted.storedReturnPath == "/tickets/7")
        // The same request cannot be answered twice, even by a fresh assertion.
        builder.assertionID = "_another"
        let rejection = try #require(try Validation.run(builder, ledger: ledger).rejection)
        #expect(rejection.check == .inResponseTo && rejection.actual == "_req1")
    }

    @Test func unknownInResponseToIsRejected() throws {
        var builder = ResponseBuilder()
        builder.confirmationInResponseTo = "_never-sent"
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .inResponseTo && rejection.actual == "_never-sent")
    }

    @Test func inResponseToMustAgreeBetweenResponseAndConfirmation() throws {
        let ledger = MemoryLedger()
        ledger.pending["_req1"] = .some(nil)
        ledger.pending["_req2"] = .some(nil)
        var builder = ResponseBuilder()
        builder.responseInResponseTo = "_req2"
        builder.confirmationInResponseTo = "_req1"
        let rejection = try #require(try Validation.run(builder, ledger: ledger).rejection)
        #expect(rejection.check == .inResponseTo && rejection.expected == "_req1" && rejection.actual == "_req2")
    }

    @Test func inResponseToOnlyOnAnUnsignedResponseIsNotTrusted() throws {
        let ledger = MemoryLedger()
        ledger.pending["_req1"] = .some(nil)
        var builder = ResponseBuilder()
        builder.responseInResponseTo = "_req1"
        #expect(try Validation.run(builder, ledger: ledger).rejection?.check == .inResponseTo)
        // Signed by the IdP on the Response itself, it counts.
        builder.signing = .response
        #expect(try Validation.run(builder, ledger: ledger).accepted?.spInitiated == true)
    }

    @Test func idpInitiatedNeedsTheSetting() throws {
        let builder = ResponseBuilder()
        let rejection = try #require(
            try Validation.run(builder, policy: IdentityProviderPolicy(allowIdPInitiated: false)).rejection)
        #expect(rejection.check == .idpInitiated)
        #expect(try Validation.run(builder).accepted?.spInitiated == false)
    }

    @Test func replayedAssertionIsRejected() throws {
        let ledger = MemoryLedger()
        let encoded = try ResponseBuilder().encoded()
        #expect(try Validation.run(encoded, ledger: ledger).accepted != nil)
        let rejection = try #require(try Validation.run(encoded, ledger: ledger).rejection)
        #expect(rejection.check == .replay)
        #expect(rejection.claimedIdentity == "alice@example.com")
    }

    @Test func everyCheckHasAStableName() {
        #expect(Set(ValidationCheck.allCases.map(\.rawValue)).count == ValidationCheck.allCases.count)
        #expect(
            ValidationCheck.allCases.filter(\.isMalformedInput) == [
                .missingResponse, .base64, .xml, .missingMessage, .deflate,
            ])
    }
}
