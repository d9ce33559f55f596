import Foundation
import SAML
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Single Logout messages from the IdP that are accepted, and what is read from them.
///
/// The refusals are in ``LogoutValidatorAttackTests``.
@Suite(.timeLimit(.minutes(1)))
struct LogoutValidatorTests {
    @Test func aSignedLogoutRequestIsAcceptedByEitherBinding() throws {
        var builder = LogoutMessageBuilder()
        builder.sessionIndexes = ["_s1", "_s2"]
        builder.relayState = "opaque/state"
        builder.nameIDXML =
            #"<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" NameQualifier="https://idp.example.com/saml" SPNameQualifier="https://help.example.com/sso/acme/metadata"> u-1 </saml:NameID>"#
        let results = try Logout.both(builder)
        for (result, binding) in zip(results, [SSOBinding.redirect, .post]) {
            let message = try #require(result.accepted, "\(binding): \(String(describing: result.rejection))")
            #expect(message.binding == binding && message.relayState == "opaque/state")
            let request = try #require(message.request)
            #expect(request.id == builder.id && request.issuer == ResponseBuilder.idpEntityID)
            #expect(
                request.nameID
                    == NameIdentifier(
                        value: " u-1 ", format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
                        nameQualifier: "https://idp.example.com/saml",
                        spNameQualifier: "https://help.example.com/sso/acme/metadata"))
            #expect(request.sessionIndexes == ["_s1", "_s2"])
            #expect(request.replayKeepUntil == builder.notOnOrAfter!.addingTimeInterval(180))
        }
    }

    /// Without NotOnOrAfter a request is taken for ten minutes after its IssueInstant (and kept that long).
    @Test func aRequestWithoutNotOnOrAfterIsBoundedByItsIssueInstant() throws {
        var builder = LogoutMessageBuilder()
        builder.notOnOrAfter = nil
        let request = try #require(try Logout.post(builder).accepted?.request)
        #expect(request.replayKeepUntil == builder.now.addingTimeInterval(600 + 180))
        let late = try Logout.post(builder, now: builder.now.addingTimeInterval(600 + 181))
        #expect(late.rejection?.check == .notOnOrAfter)
    }

    @Test func anEncryptedIDIsDecryptedWithTheSPKey() throws {
        var builder = LogoutMessageBuilder()
        builder.nameIDXML = try ElementEncryptor.encrypt(
            Array(
                #"<saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_t1</saml:NameID>"#
                    .utf8),
            to: TestKeys.spDER, container: QualifiedName(XMLNamespace.samlAssertion, "EncryptedID"),
            options: EncryptionOptions())
        let request = try #require(try Logout.post(builder).accepted?.request)
        #expect(request.nameID.value == "_t1")
        #expect(request.nameID.format == "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
    }

    @Test func aLogoutResponseIsAcceptedByEitherBindingWithItsStatus() throws {
        var builder = LogoutMessageBuilder(.response)
        builder.inResponseTo = "_ours"
        for result in try Logout.both(builder) {
            let response = try #require(result.accepted?.response, "\(String(describing: result.rejection))")
            #expect(response.inResponseTo == "_ours" && response.succeeded)
        }
        builder.statusXML =
            #"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:PartialLogout"/></samlp:StatusCode><samlp:StatusMessage>not all</samlp:StatusMessage></samlp:Status>"#
        let failed = try #require(try Logout.post(builder).accepted?.response)
        #expect(!failed.succeeded)
        #expect(failed.status.contains("Responder") && failed.status.contains("PartialLogout"))
        #expect(failed.status.contains("\"not all\""))
    }

    /// Other query parameters may surround the binding's own, in any order the sender likes.
    @Test func unrelatedQueryParametersAreIgnored() throws {
        let query = try LogoutMessageBuilder().redirectQuery()
        #expect(try Logout.redirect("utm=1&" + query + "&x=%20").accepted != nil)
    }

    /// Without a configured IdP entity ID any Issuer is taken, as for Assertions.
    @Test func anyIssuerWithoutAConfiguredEntityID() throws {
        var builder = LogoutMessageBuilder()
        builder.issuer = "https://other.example.com"
        #expect(try Logout.post(builder, policy: IdentityProviderPolicy()).accepted != nil)
    }
}
