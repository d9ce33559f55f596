import Foundation
import Testing
import TestSupport

@testable import SAML

/// Rules 1, 2, 6–10: malformed input, wrong destination, time windows, audience, recipient,
/// subject and attribute content — each attack sent, each rejection's check and values asserted.
@Suite(.timeLimit(.minutes(1)))
struct ResponseValidatorRuleTests {
    // MARK: Rule 1 — malformed input answers 400.

    @Test(arguments: [nil, ""])
    func missingResponse(value: String?) throws {
        let rejection = try #require(try Validation.run(value).rejection)
        #expect(rejection.check == .missingResponse && rejection.isMalformed)
    }

    @Test(arguments: ["not base64!", "PHNhbWw+*", "PD94bWw", "PHNhbWw+\u{0}"])
    func badBase64(value: String) throws {
        let rejection = try #require(try Validation.run(value).rejection)
        #expect(rejection.check == .base64 && rejection.isMalformed)
    }

    @Test func base64WithLineBreaksIsFine() throws {
        let encoded = try ResponseBuilder().encoded()
        var wrapped = ""
        for (index, character) in encoded.enumerated() {
            if index > 0, index % 76 == 0 { wrapped += "\r\n" }
            wrapped.append(character)
        }
        #expect(try Validation.run(wrapped).accepted != nil)
    }

    @Test(arguments: ["just text", "<open>", "{\"json\": true}", "<a></b>"])
    func notXML(text: String) throws {
        let rejection = try #require(try Validation.run(Data(text.utf8).base64EncodedString()).rejection)
        #expect(rejection.check == .xml && rejection.isMalformed)
    }

    @Test func doctypeWithInternalEntitiesIsRejected() throws {
        let signed = try ResponseBuilder().signedXML()
        let body = ResponseValidatorSignatureAttackTests.withoutDeclaration(signed)
        let attack = "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + body
        let rejection = try #require(try Validation.run(Data(attack.utf8).base64EncodedString()).rejection)
        #expect(rejection.check == .xml && rejection.reason.contains("DOCTYPE"), "\(rejection)")
    }

    @Test func externalEntityIsNeverRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("xxe-\(UUID().uuidString)")
        try Data("TOP-SECRET-CANARY".utf8).write(to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }
        var builder = ResponseBuilder()
        builder.nameIDContent = "&xxe;"
        let xml = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file://\(secret.path)\">]>" + builder.responseXML
        let rejection = try #require(try Validation.run(Data(xml.utf8).base64EncodedString()).rejection)
        #expect(rejection.check == .xml)
        #expect(!rejection.description.contains("TOP-SECRET-CANARY"))
    }

    @Test(arguments: [60, 65, 5_000])
    func nestingDeeperThan64IsRejected(depth: Int) throws {
        var builder = ResponseBuilder()
        // Extra depth inside the Response (Response and Status already count two levels).
        builder.extraResponseXML =
            String(repeating: "<samlp:Extensions>", count: depth)
            + String(repeating: "</samlp:Extensions>", count: depth)
        let result = try Validation.run(Data(builder.responseXML.utf8).base64EncodedString())
        let rejection = try #require(result.rejection)
        if depth + 1 > 64 {
            #expect(
                rejection.check == .xml
                    && (rejection.reason.contains("deeper") || rejection.reason.lowercased().contains("depth")),
                "\(rejection)")
        } else {
            #expect(rejection.check != .xml, "a depth of \(depth + 1) is allowed: \(rejection)")
        }
    }

    @Test func oneMegabyteResponseIsRejected() throws {
        var builder = ResponseBuilder()
        builder.extraResponseXML = "<!--" + String(repeating: "x", count: 1_048_576) + "-->"
        let rejection = try #require(try Validation.run(Data(builder.responseXML.utf8).base64EncodedString()).rejection)
        #expect(rejection.check == .xml && rejection.isMalformed, "\(rejection)")
    }

    // MARK: Rule 2 — Response, version, destination, status.

    @Test func rootMustBeAResponse() throws {
        let assertion = ResponseBuilder().assertionXML
        let rejection = try #require(try Validation.run(Data(assertion.utf8).base64EncodedString()).rejection)
        #expect(rejection.check == .root && rejection.actual?.contains("Assertion") == true)
    }

    @Test func versionMustBe20() throws {
        var builder = ResponseBuilder()
        builder.version = "1.1"
        #expect(try Validation.run(builder).rejection?.check == .root)
    }

    @Test func wrongDestinationIsRejectedWithBothValues() throws {
        var builder = ResponseBuilder()
        builder.destination = "https://evil.example.com/acs"
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .destination)
        #expect(rejection.expected == ResponseBuilder.acs && rejection.actual == "https://evil.example.com/acs")
        #expect(!rejection.isMalformed)
    }

    @Test func signedResponseWithoutDestinationIsRejected() throws {
        var builder = ResponseBuilder()
        builder.destination = nil
        builder.signing = .response
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .destination && rejection.actual == "none")
    }

    @Test func aResponseCarryingASignatureNeedsADestinationEvenWhenTheAssertionIsSignedToo() throws {
        var builder = ResponseBuilder()
        builder.destination = nil
        builder.signing = .both
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .destination && rejection.actual == "none")
    }

    @Test func failureStatusIsShownToAdmins() throws {
        var builder = ResponseBuilder()
        builder.statusXML = """
            <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">\
            <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>\
            <samlp:StatusMessage>User is not assigned to this application</samlp:StatusMessage></samlp:Status>
            """
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .status)
        #expect(rejection.actual?.contains("status:Responder") == true)
        #expect(rejection.actual?.contains("AuthnFailed") == true)
        #expect(rejection.actual?.contains("User is not assigned") == true)
    }

    // MARK: Rule 3 — exactly one Assertion.

    @Test func zeroAssertionsAreRejected() throws {
        let builder = ResponseBuilder()
        let xml = builder.responseXML.replacingOccurrences(of: builder.assertionXML, with: "")
        let rejection = try #require(try Validation.run(Data(xml.utf8).base64EncodedString()).rejection)
        #expect(rejection.check == .assertionCount && rejection.actual == "0")
    }

    @Test func twoAssertionsAreRejected() throws {
        var builder = ResponseBuilder()
        var second = builder
        second.assertionID = "_second"
        builder.extraResponseXML = second.assertionXML
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .assertionCount && rejection.actual == "2")
    }

    @Test func emptyEncryptedAssertionBesideAnAssertionIsTwoAssertions() throws {
        var builder = ResponseBuilder()
        builder.extraResponseXML =
            "<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml:EncryptedAssertion>"
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .assertionCount && rejection.reason.contains("EncryptedAssertion"))
    }

    // MARK: Rule 6 — Issuer.

    @Test func assertionIssuerMustMatchTheConfiguredEntityID() throws {
        var builder = ResponseBuilder()
        builder.assertionIssuer = "https://evil-idp.example.com"
        let policy = IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID)
        let rejection = try #require(try Validation.run(builder, policy: policy).rejection)
        #expect(rejection.check == .issuer)
        #expect(rejection.expected == ResponseBuilder.idpEntityID && rejection.actual == "https://evil-idp.example.com")
        // Without an entity ID configured, any Issuer is accepted (the pinned key is the trust anchor).
        #expect(try Validation.run(builder).accepted != nil)
    }

    @Test func responseIssuerMustAlsoMatchWhenPresent() throws {
        var builder = ResponseBuilder()
        builder.responseIssuer = "https://other.example.com"
        let policy = IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID)
        let rejection = try #require(try Validation.run(builder, policy: policy).rejection)
        #expect(rejection.check == .issuer && rejection.actual == "https://other.example.com")
        builder.responseIssuer = nil
        #expect(try Validation.run(builder, policy: policy).accepted != nil)
    }

    // MARK: Rule 7 — Conditions and Audience.

    @Test func conditionsAreRequired() throws {
        var builder = ResponseBuilder()
        builder.includeConditions = false
        #expect(try Validation.run(builder).rejection?.check == .conditions)
    }

    @Test(arguments: [
        (-100.0, true), (-179.0, true), (-181.0, false), (-3600.0, false),
    ])
    func notOnOrAfterWithinAndBeyondSkew(offset: Double, accepted: Bool) throws {
        var builder = ResponseBuilder()
        builder.notOnOrAfter = builder.now.addingTimeInterval(offset)
        let result = try Validation.run(builder)
        #expect((result.accepted != nil) == accepted, "\(String(describing: result.rejection))")
        if !accepted { #expect(result.rejection?.check == .notOnOrAfter) }
    }

    @Test(arguments: [(100.0, true), (179.0, true), (181.0, false), (86_400.0, false)])
    func notBeforeWithinAndBeyondSkew(offset: Double, accepted: Bool) throws {
        var builder = ResponseBuilder()
        builder.notBefore = builder.now.addingTimeInterval(offset)
        builder.notOnOrAfter = builder.now.addingTimeInterval(offset + 600)
        let result = try Validation.run(builder)
        #expect((result.accepted != nil) == accepted, "\(String(describing: result.rejection))")
        if !accepted { #expect(result.rejection?.check == .notBefore) }
    }

    @Test func skewComesFromSettings() throws {
        var builder = ResponseBuilder()
        builder.notOnOrAfter = builder.now.addingTimeInterval(-100)
        #expect(
            try Validation.run(builder, policy: IdentityProviderPolicy(clockSkew: 30)).rejection?.check == .notOnOrAfter
        )
    }

    @Test func wrongAudienceIsRejectedWithBothValues() throws {
        var builder = ResponseBuilder()
        builder.audienceRestrictions = [["urn:foo"]]
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .audience)
        #expect(rejection.expected == ResponseBuilder.audience && rejection.actual == "urn:foo")
        #expect(rejection.description.contains("expected https://help.example.com/sso/acme/metadata, got urn:foo"))
    }

    @Test(arguments: [[[String]](), [[]], [[ResponseBuilder.audience], ["urn:other"]]])
    func missingAudienceOrOneRestrictionWithoutUsIsRejected(restrictions: [[String]]) throws {
        var builder = ResponseBuilder()
        builder.audienceRestrictions = restrictions
        #expect(try Validation.run(builder).rejection?.check == .audience)
    }

    @Test func ourAudienceAmongOthersIsAccepted() throws {
        var builder = ResponseBuilder()
        builder.audienceRestrictions = [["urn:other", ResponseBuilder.audience]]
        #expect(try Validation.run(builder).accepted != nil)
    }

    // MARK: Rule 8 — bearer SubjectConfirmation.

    @Test func wrongRecipientIsRejected() throws {
        var builder = ResponseBuilder()
        builder.recipient = "https://evil.example.com/acs"
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .subjectConfirmation)
        #expect(rejection.actual == "https://evil.example.com/acs")
        builder.recipient = nil
        #expect(try Validation.run(builder).rejection?.check == .subjectConfirmation)
    }

    @Test func nonBearerConfirmationIsRejected() throws {
        var builder = ResponseBuilder()
        builder.confirmationMethod = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"
        #expect(try Validation.run(builder).rejection?.check == .subjectConfirmation)
    }

    @Test(arguments: [(-100.0, true), (-200.0, false)])
    func confirmationExpiryWithinAndBeyondSkew(offset: Double, accepted: Bool) throws {
        var builder = ResponseBuilder()
        builder.confirmationNotOnOrAfter = builder.now.addingTimeInterval(offset)
        let result = try Validation.run(builder)
        #expect((result.accepted != nil) == accepted)
        if !accepted { #expect(result.rejection?.check == .notOnOrAfter) }
    }

    @Test func confirmationWithoutNotOnOrAfterIsRejected() throws {
        var builder = ResponseBuilder()
        builder.confirmationNotOnOrAfter = nil
        #expect(try Validation.run(builder).rejection?.check == .subjectConfirmation)
    }

    // MARK: Rule 10 — NameID and attributes.

    @Test(arguments: [
        "alice@example.com<!---->.evil.example", "alice@example.com<![CDATA[.evil.example]]>",
        "alice@example.com<b>x</b>", "<!-- -->", "",
    ])
    func nameIDMustBeOnePlainTextNode(content: String) throws {
        var builder = ResponseBuilder()
        builder.attributes = []
        builder.nameIDContent = content
        let rejection = try #require(try Validation.run(builder).rejection, "\(content)")
        #expect(rejection.check == .nameID, "\(rejection)")
    }

    @Test func commentInjectedInEmailAttributeIsRejected() throws {
        var builder = ResponseBuilder()
        builder.attributes = [("email", ["admin@example.com<!---->.evil.example"])]
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .attribute && rejection.reason.contains("comment"), "\(rejection)")
    }

    @Test func attributeWithTwoValuesIsRejected() throws {
        var builder = ResponseBuilder()
        builder.attributes = [("email", ["alice@example.com", "admin@example.com"])]
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .attribute && rejection.actual == "2")
    }

    @Test func sameAttributeUnderTwoNamesIsRejected() throws {
        var builder = ResponseBuilder()
        builder.attributes = [
            ("email", ["alice@example.com"]),
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", ["admin@example.com"]),
        ]
        #expect(try Validation.run(builder).rejection?.check == .attribute)
    }

    @Test func groupValuesThatAreNotPlainTextAreLeftOut() throws {
        var builder = ResponseBuilder()
        builder.attributes += [("groups", ["a", "b", "<x/>", " ", "c<!-- d -->"])]
        #expect(try Validation.run(builder).accepted?.response.groups == ["a", "b"])
    }

    @Test func unrelatedMultiValuedAttributesAreIgnored() throws {
        var builder = ResponseBuilder()
        builder.attributes += [("department", ["a", "b", "<x/>"])]
        #expect(try Validation.run(builder).accepted != nil)
    }

    @Test func rejectionsCarryIssueInstantAndClaimedIdentityForTheLog() throws {
        var builder = ResponseBuilder()
        builder.audienceRestrictions = [["urn:foo"]]
        builder.attributes = []
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.issueInstant == builder.now)
        #expect(rejection.claimedIdentity == "alice@example.com")
        #expect(rejection.identityVerified, "the signature verified before the audience check failed")
    }

    @Test func anUnsignedMessagesIdentityIsOnlyClaimed() throws {
        var builder = ResponseBuilder()
        builder.signing = .none
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .signature)
        #expect(rejection.claimedIdentity == "alice@example.com" && !rejection.identityVerified)
    }

    // Identities compare with ASCII folding only and keep no white space or control character but
    // the XML white space trimmed around them: none of these may become alice@example.com.
    static let lookalikeIdentities = [
        "\u{212A}ate@acme.test",  // Kelvin sign: Unicode lower-cases it to "k"
        "kate@acme.test\u{00A0}",  // trailing no-break space
        "kate@acme.test\u{2003}",  // trailing em space
        "kate\u{0085}@acme.test",  // C1 control (NEL)
        "kate\t@acme.test",  // a tab inside: XML white space counts only around the value
        "ka te@acme.test",
    ]

    @Test(arguments: lookalikeIdentities)
    func identityWithWhitespaceOrControlsInTheNameIDIsRefused(identity: String) throws {
        var builder = ResponseBuilder()
        builder.attributes = []
        builder.nameIDContent = identity
        let result = try Validation.run(builder)
        if identity.hasPrefix("\u{212A}") {
            // Printable: accepted as itself, and never folded to "kate@…" (the store's lookup is tested there).
            #expect(result.accepted?.response.identity == identity)
        } else {
            let rejection = try #require(result.rejection, "\(identity.debugDescription)")
            #expect(rejection.check == .nameID && rejection.reason.contains("cannot be an identity"), "\(rejection)")
        }
    }

    @Test(arguments: lookalikeIdentities.dropFirst())
    func identityWithWhitespaceOrControlsInTheEmailAttributeIsRefused(identity: String) throws {
        var builder = ResponseBuilder()
        builder.attributes = [("email", [identity])]
        let rejection = try #require(try Validation.run(builder).rejection, "\(identity.debugDescription)")
        #expect(rejection.check == .attribute && rejection.reason.contains("email attribute"), "\(rejection)")
    }

    @Test func xmlWhitespaceAroundTheIdentityIsTrimmed() throws {
        var builder = ResponseBuilder()
        builder.attributes = [("email", ["\n\t  alice@example.com \r\n"])]
        #expect(try Validation.run(builder).accepted?.response.identity == "alice@example.com")
    }
}
