import Foundation
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

@testable import SAML

/// What must be accepted: the ways real IdPs sign, and what is read from an accepted response.
@Suite(.timeLimit(.minutes(1)))
struct ResponseValidatorAcceptanceTests {
    @Test(arguments: [ResponseBuilder.Signing.assertion, .response, .both])
    func acceptsEachSigningStyle(signing: ResponseBuilder.Signing) throws {
        var builder = ResponseBuilder()
        builder.signing = signing
        let result = try Validation.run(builder)
        let accepted = try #require(result.accepted, "\(String(describing: result.rejection))")
        #expect(accepted.response.identity == "alice@example.com")
        #expect(accepted.response.givenName == "Alice" && accepted.response.familyName == "Liddell")
        #expect(accepted.response.signedElement == (signing == .response ? .response : .assertion))
        #expect(accepted.response.assertionID == builder.assertionID)
        #expect(!accepted.spInitiated)
    }

    @Test(arguments: [
        (SignatureAlgorithm.rsaSHA256, DigestAlgorithm.sha256), (.rsaSHA384, .sha384), (.rsaSHA512, .sha512),
        (.rsaSHA256, .sha512),
    ])
    func acceptsRSAWithSHA2(algorithm: SignatureAlgorithm, digest: DigestAlgorithm) throws {
        var builder = ResponseBuilder()
        builder.options.signatureAlgorithm = algorithm
        builder.options.digestAlgorithm = digest
        #expect(try Validation.run(builder).accepted != nil)
    }

    @Test(arguments: [SignatureAlgorithm.ecdsaSHA256, .ecdsaSHA384, .ecdsaSHA512])
    func acceptsECDSA(algorithm: SignatureAlgorithm) throws {
        var builder = ResponseBuilder()
        builder.key = TestKeys.idpEC
        builder.options.signatureAlgorithm = algorithm
        #expect(try Validation.run(builder).accepted != nil)
    }

    @Test func acceptsInclusiveCanonicalization() throws {
        var builder = ResponseBuilder()
        builder.options.canonicalization = .inclusive10
        builder.options.referenceTransforms = [.envelopedSignature, .canonicalization(.inclusive11)]
        #expect(try Validation.run(builder).accepted != nil)
    }

    @Test func emailAttributeWinsOverNameIDAndClaimNamesWork() throws {
        var builder = ResponseBuilder()
        builder.nameIDContent = "  persistent-id-42  "
        builder.attributes = [
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", ["Bob@Example.com"]),
            ("urn:oid:2.5.4.42", ["Bob"]),
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", ["Builder"]),
        ]
        let response = try #require(try Validation.run(builder).accepted).response
        #expect(response.identity == "Bob@Example.com")
        #expect(response.nameID == "persistent-id-42")
        #expect(response.givenName == "Bob" && response.familyName == "Builder")
    }

    @Test func nameIDIsTheIdentityWithoutEmailAttribute() throws {
        var builder = ResponseBuilder()
        builder.attributes = []
        builder.nameIDContent = "\n carol@example.com \n"
        let response = try #require(try Validation.run(builder).accepted).response
        #expect(response.identity == "carol@example.com")
        #expect(response.email == nil && response.givenName == nil)
    }

    @Test func sessionEndsAtLifetimeOrSessionNotOnOrAfter() throws {
        var builder = ResponseBuilder()
        let policy = IdentityProviderPolicy(sessionLifetime: 3600)
        var response = try #require(try Validation.run(builder, policy: policy).accepted).response
        #expect(response.sessionExpiry == builder.now.addingTimeInterval(3600))
        builder.sessionNotOnOrAfter = builder.now.addingTimeInterval(600)
        response = try #require(try Validation.run(builder, policy: policy).accepted).response
        #expect(response.sessionExpiry == builder.now.addingTimeInterval(600))
        #expect(response.sessionIndex == "_session-1")
    }

    @Test func unsignedResponseWithoutDestinationIsFineWhenTheAssertionIsSigned() throws {
        var builder = ResponseBuilder()
        builder.destination = nil
        #expect(try Validation.run(builder).accepted != nil)
    }

    @Test func replayIsRememberedUntilValidityEndPlusSkew() throws {
        let builder = ResponseBuilder()
        let response = try #require(try Validation.run(builder).accepted).response
        #expect(response.replayKeepUntil == builder.now.addingTimeInterval(300 + 180))
    }

    @Test func issuerMatchingTheConfiguredEntityIDIsAccepted() throws {
        let builder = ResponseBuilder()
        let policy = IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID)
        #expect(try Validation.run(builder, policy: policy).accepted?.response.issuer == ResponseBuilder.idpEntityID)
    }
}
