import Foundation
import SAML
import Testing
@_spi(Testing) import TestSupport
import XMLSecurity

/// Single Logout attacks: each sends the message and asserts the refusal and its check. (What a
/// refusal does *not* end is asserted through the gateway, in `SSOGatewaySingleLogoutTests`.)
@Suite(.timeLimit(.minutes(1)))
struct LogoutValidatorAttackTests {
    /// A forced-logout attempt: anyone can build a LogoutRequest for anyone.
    @Test func anUnsignedLogoutRequestIsRefusedByEitherBinding() throws {
        var builder = LogoutMessageBuilder()
        builder.key = nil
        builder.queryKey = nil
        for result in try Logout.both(builder) {
            #expect(result.rejection?.check == .signature, "\(String(describing: result.rejection))")
        }
    }

    @Test func aSignatureByAnUntrustedKeyIsRefused() throws {
        var builder = LogoutMessageBuilder()
        builder.key = TestKeys.attacker
        builder.queryKey = "attacker-key.pem"
        for result in try Logout.both(builder) {
            #expect(result.rejection?.check == .signature)
        }
    }

    /// The query signature covers the parameters' octets as sent, in the binding's fixed order: a
    /// signature over the same parameters in another order, or over another spelling of a value (a
    /// re-encoding a lax receiver would normalise), does not verify. Where the parameters stand in the
    /// URL does not matter: the signed octets are rebuilt in the fixed order from the values as sent.
    @Test func aQuerySignatureOverReorderedOrReencodedParametersIsRefused() throws {
        var builder = LogoutMessageBuilder()
        builder.relayState = "a b"
        let query = try builder.redirectQuery()
        #expect(try Logout.redirect(query).rejection == nil)
        var parts = query.split(separator: "&").map(String.init)
        parts.swapAt(0, 1)
        #expect(try Logout.redirect(parts.joined(separator: "&")).rejection == nil)

        let unsignedParts = Array(query.split(separator: "&").map(String.init).prefix(3))
        let reordered = [unsignedParts[1], unsignedParts[0], unsignedParts[2]].joined(separator: "&")
        let signature = try OpenSSLCommand.sign(Array(reordered.utf8), key: "idp-rsa-key.pem")
        let signedReordered =
            reordered + "&Signature=" + URLEncoding.queryValue(Data(signature).base64EncodedString())
        #expect(try Logout.redirect(signedReordered).rejection?.check == .signature)

        let reencoded = query.replacingOccurrences(of: "RelayState=a%20b", with: "RelayState=a+b")
        #expect(reencoded != query)
        #expect(try Logout.redirect(reencoded).rejection?.check == .signature)
        let lowercased = query.replacingOccurrences(of: "%3A", with: "%3a")
        #expect(lowercased != query)
        #expect(try Logout.redirect(lowercased).rejection?.check == .signature)
    }

    @Test func aRepeatedOrMissingParameterIsRefused() throws {
        var builder = LogoutMessageBuilder()
        builder.relayState = "r"
        let query = try builder.redirectQuery()
        #expect(try Logout.redirect(query + "&RelayState=x").rejection?.check == .missingMessage)
        let request = try #require(query.split(separator: "&").first)
        #expect(try Logout.redirect(query + "&" + request).rejection?.check == .missingMessage)
        #expect(try Logout.redirect("RelayState=x").rejection?.check == .missingMessage)
        let both = query + "&SAMLResponse=" + String(request.dropFirst("SAMLRequest=".count))
        #expect(try Logout.redirect(both).rejection?.check == .missingMessage)
        let unsigned = query.replacing(#/&Signature=[^&]*/#, with: "")
        #expect(try Logout.redirect(unsigned).rejection?.check == .signature)
    }

    @Test func sha1IsRefusedUnlessAllowed() throws {
        var builder = LogoutMessageBuilder()
        builder.signatureAlgorithm = SignatureAlgorithm.rsaSHA1.uri
        let query = try builder.redirectQuery()
        #expect(try Logout.redirect(query).rejection?.check == .signature)
        let lenient = IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID, allowSHA1: true)
        #expect(try Logout.redirect(query, policy: lenient).rejection == nil)
    }

    @Test func aWrongOrMissingDestinationIsRefused() throws {
        for destination in ["https://help.example.com/sso/other/slo", "https://help.example.com/sso/acme/acs", nil] {
            var builder = LogoutMessageBuilder()
            builder.destination = destination
            for result in try Logout.both(builder) {
                #expect(result.rejection?.check == .destination, "\(String(describing: destination))")
            }
        }
    }

    @Test func anExpiredOrFutureRequestIsRefused() throws {
        var builder = LogoutMessageBuilder()
        builder.notOnOrAfter = builder.now.addingTimeInterval(-181)
        for result in try Logout.both(builder) { #expect(result.rejection?.check == .notOnOrAfter) }
        builder = LogoutMessageBuilder()
        builder.notOnOrAfter = builder.now.addingTimeInterval(30)
        #expect(try Logout.post(builder, now: builder.now.addingTimeInterval(211)).rejection?.check == .notOnOrAfter)
        #expect(try Logout.post(builder, now: builder.now.addingTimeInterval(-181)).rejection?.check == .notBefore)
    }

    @Test func anotherIssuerIsRefused() throws {
        var builder = LogoutMessageBuilder()
        builder.issuer = "https://evil.example.com"
        for result in try Logout.both(builder) { #expect(result.rejection?.check == .issuer) }
        builder.issuer = nil
        #expect(try Logout.post(builder).rejection?.check == .issuer)
    }

    @Test func notExactlyOneNameIDIsRefused() throws {
        let name = #"<saml:NameID>alice@example.com</saml:NameID>"#
        for xml in [
            "", name + name, #"<saml:BaseID NameQualifier="x"/>"#,
            #"<saml:NameID>alice<!-- -->@example.com</saml:NameID>"#, "<saml:NameID> </saml:NameID>",
        ] {
            var builder = LogoutMessageBuilder()
            builder.nameIDXML = xml
            #expect(try Logout.post(builder).rejection?.check == .nameID, "\(xml)")
        }
    }

    /// A LogoutRequest signed by the IdP for another account's user is still this account's to
    /// judge: it can only end sessions of this account (asserted through the gateway); here the
    /// message itself must name this account's SLO URL.
    @Test func aRequestForAnotherAccountsSLOURLIsRefused() throws {
        var builder = LogoutMessageBuilder()
        builder.destination = "https://help.example.com/sso/other-account/slo"
        #expect(try Logout.post(builder).rejection?.check == .destination)
    }

    @Test func theWrongMessageForItsParameterIsRefused() throws {
        let response = LogoutMessageBuilder(.response)
        let value = try response.postValue()
        #expect(
            try Logout.validator().verify(postedRequest: value, postedResponse: nil, relayState: nil, now: response.now)
                .rejection?.check == .root)
        var assertion = ResponseBuilder()
        assertion.destination = LogoutMessageBuilder.slo
        #expect(
            try Logout.validator().verify(
                postedRequest: try assertion.encoded(), postedResponse: nil, relayState: nil, now: assertion.now
            ).rejection?.check == .root)
        #expect(
            try Logout.validator().verify(postedRequest: value, postedResponse: value, relayState: nil, now: Date())
                .rejection?.check == .missingMessage)
    }

    /// The signed LogoutRequest wrapped inside another root, or a signature over a child: only a
    /// signature on the root itself counts.
    @Test func aSignatureThatDoesNotCoverTheRootIsRefused() throws {
        let builder = LogoutMessageBuilder()
        let signed = try builder.signedXML().replacing(#/<\?xml[^>]*\?>\s*/#, with: "")
        let wrapped =
            #"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil" Version="2.0" IssueInstant="\#(SAMLTime.format(builder.now))" Destination="\#(LogoutMessageBuilder.slo)"><saml:Issuer>\#(ResponseBuilder.idpEntityID)</saml:Issuer><saml:NameID>bob@example.com</saml:NameID><samlp:Extensions>\#(signed)</samlp:Extensions></samlp:LogoutRequest>"#
        let result = try Logout.validator().verify(
            postedRequest: Data(wrapped.utf8).base64EncodedString(), postedResponse: nil, relayState: nil,
            now: builder.now)
        #expect(result.rejection?.check == .signature)
        let altered = try Logout.post(builder) { $0.replacingOccurrences(of: "alice@", with: "bob@") }
        #expect(altered.rejection?.check == .signature)
    }

    /// The Redirect binding inflates with a bound: a DEFLATE bomb (a megabyte of zeros compresses to
    /// about a kilobyte) is refused without inflating it all, as is data that does not inflate.
    @Test func aDeflateBombOrCorruptDeflateIsRefused() throws {
        let builder = LogoutMessageBuilder()
        let bomb = try builder.redirectQuery(
            deflating: Array(builder.xml.utf8) + Array(repeating: 0x20, count: 1 << 20))
        #expect(bomb.utf8.count < 8 * 1024)
        #expect(try Logout.redirect(bomb).rejection?.check == .deflate)
        let garbage = "SAMLRequest=" + URLEncoding.queryValue(Data([0xFF, 0x00, 0x13, 0x37]).base64EncodedString())
        #expect(try Logout.redirect(garbage).rejection?.check == .deflate)
        #expect(try Logout.redirect("SAMLRequest=%%%").rejection?.check == .base64)
    }

    /// Rule 1's parser: no DOCTYPE (entities), bounded depth; the POST binding's 256 KiB body limit is
    /// the gateway's.
    @Test func xmlAttacksAreRefusedAsForResponses() throws {
        let builder = LogoutMessageBuilder()
        let doctype = #"<!DOCTYPE r [<!ENTITY x "alice@example.com">]>"# + builder.xml
        #expect(try Logout.redirect(try builder.redirectQuery(deflating: Array(doctype.utf8))).rejection?.check == .xml)
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        let nested = builder.xml.replacingOccurrences(
            of: "</samlp:LogoutRequest>", with: deep + "</samlp:LogoutRequest>")
        #expect(try Logout.redirect(try builder.redirectQuery(deflating: Array(nested.utf8))).rejection?.check == .xml)
        let value = Data(doctype.utf8).base64EncodedString()
        #expect(
            try Logout.validator().verify(postedRequest: value, postedResponse: nil, relayState: nil, now: builder.now)
                .rejection?.check == .xml)
    }

    @Test func aLogoutResponseWithoutInResponseToIsRefused() throws {
        let builder = LogoutMessageBuilder(.response)
        for result in try Logout.both(builder) { #expect(result.rejection?.check == .inResponseTo) }
    }

    @Test func tooManySessionIndexesAreRefused() throws {
        var builder = LogoutMessageBuilder()
        builder.sessionIndexes = (0..<33).map { "_s\($0)" }
        #expect(try Logout.post(builder).rejection?.check == .root)
    }
}
