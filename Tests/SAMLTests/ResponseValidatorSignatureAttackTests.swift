import Foundation
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

@testable import SAML

/// Rules 3–5: signatures that must not be accepted, including the XSW wrapping family.
@Suite(.timeLimit(.minutes(1)))
struct ResponseValidatorSignatureAttackTests {
    static func signatureBlock(in xml: String) -> Range<String.Index>? {
        guard let start = xml.range(of: "<ds:Signature"), let end = xml.range(of: "</ds:Signature>") else { return nil }
        return start.lowerBound..<end.upperBound
    }

    @Test func unsignedIsRejected() throws {
        var builder = ResponseBuilder()
        builder.signing = .none
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .signature)
        #expect(rejection.reason.contains("neither the Assertion nor the Response is signed"))
        #expect(!rejection.isMalformed)
    }

    @Test func removedSignatureIsRejected() throws {
        let builder = ResponseBuilder()
        let encoded = try builder.encoded { xml in
            var copy = xml
            copy.removeSubrange(Self.signatureBlock(in: xml)!)
            return copy
        }
        #expect(try Validation.run(encoded).rejection?.check == .signature)
    }

    @Test func untrustedKeyWithItsCertificateInKeyInfoIsRejectedAndNamed() throws {
        var builder = ResponseBuilder()
        builder.key = TestKeys.attacker
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .signature)
        #expect(rejection.reason.contains("not one of this account's certificates"))
        let attackerFingerprint = CertificateFingerprint.sha256(ofDER: TestKeys.attackerDER).uppercased()
        #expect(rejection.actual == "SHA-256 \(attackerFingerprint)")
        #expect(
            rejection.expected?.contains(CertificateFingerprint.sha256(ofDER: TestKeys.idpRSADER).uppercased()) == true)
    }

    @Test func trustedKeyIsNotBlockedByAForeignCertificateInKeyInfo() throws {
        let builder = ResponseBuilder()
        let attackerBase64 = Data(TestKeys.attackerDER).base64EncodedString()
        let encoded = try builder.encoded { xml in
            let start = xml.range(of: "<ds:X509Certificate>")!.upperBound
            let end = xml.range(of: "</ds:X509Certificate>")!.lowerBound
            return xml.replacingCharacters(in: start..<end, with: attackerBase64)
        }
        #expect(try Validation.run(encoded).accepted != nil)
    }

    @Test(arguments: [
        ("NameID changed", ">alice@example.com</saml:NameID>", ">mallory@example.com</saml:NameID>"),
        (
            "email changed", "<saml:AttributeValue>alice@example.com</saml:AttributeValue>",
            "<saml:AttributeValue>mallory@example.com</saml:AttributeValue>"
        ),
        ("audience changed", "<saml:Audience>https://help.example.com", "<saml:Audience>https://other.example.com"),
        (
            "attribute added", "</saml:AttributeStatement>",
            "<saml:Attribute Name=\"role\"><saml:AttributeValue>admin</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>"
        ),
    ])
    func contentChangedAfterSigningIsRejected(what: String, original: String, replacement: String) throws {
        let builder = ResponseBuilder()
        let encoded = try builder.encoded { $0.replacingOccurrences(of: original, with: replacement) }
        let rejection = try #require(try Validation.run(encoded).rejection, "\(what)")
        #expect(rejection.check == .signature, "\(what): \(rejection)")
    }

    @Test func responseSignatureCoversTheAssertion() throws {
        var builder = ResponseBuilder()
        builder.signing = .response
        let encoded = try builder.encoded {
            $0.replacingOccurrences(of: ">alice@example.com</saml:NameID>", with: ">mallory@example.com</saml:NameID>")
        }
        #expect(try Validation.run(encoded).rejection?.check == .signature)
    }

    @Test func referenceURIEmptyOrPointingElsewhereIsRejected() throws {
        let builder = ResponseBuilder()
        for replacement in ["URI=\"\"", "URI=\"#\(builder.responseID)\"", "URI=\"#nowhere\""] {
            let encoded = try builder.encoded {
                $0.replacingOccurrences(of: "URI=\"#\(builder.assertionID)\"", with: replacement)
            }
            #expect(try Validation.run(encoded).rejection?.check == .signature, "\(replacement)")
        }
    }

    @Test func twoReferencesAreRejected() throws {
        let builder = ResponseBuilder()
        let encoded = try builder.encoded { xml in
            let start = xml.range(of: "<ds:Reference")!.lowerBound
            let end = xml.range(of: "</ds:Reference>")!.upperBound
            return xml.replacingCharacters(in: end..<end, with: String(xml[start..<end]))
        }
        let rejection = try #require(try Validation.run(encoded).rejection)
        #expect(rejection.check == .signature && rejection.reason.contains("Reference"), "\(rejection)")
    }

    @Test(arguments: [ReferenceTransform.xpath("not(ancestor-or-self::saml:Attribute)")])
    func extraTransformsAreRejected(transform: ReferenceTransform) throws {
        var builder = ResponseBuilder()
        builder.options.referenceTransforms = [.envelopedSignature, transform, .canonicalization(.exclusive)]
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .signature && rejection.reason.lowercased().contains("transform"), "\(rejection)")
    }

    @Test func xsltTransformIsRejected() throws {
        let builder = ResponseBuilder()
        let xslt =
            #"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"/></ds:Transform>"#
        let encoded = try builder.encoded { xml in
            let end = xml.range(of: "</ds:Transforms>")!.lowerBound
            return xml.replacingCharacters(in: end..<end, with: xslt)
        }
        #expect(try Validation.run(encoded).rejection?.check == .signature)
    }

    @Test func withCommentsCanonicalizationIsRejected() throws {
        var builder = ResponseBuilder()
        builder.options.canonicalization = .exclusiveWithComments
        builder.options.referenceTransforms = [.envelopedSignature, .canonicalization(.exclusiveWithComments)]
        #expect(try Validation.run(builder).rejection?.check == .signature)
    }

    @Test func sha1IsRejectedUnlessAllowed() throws {
        var builder = ResponseBuilder()
        builder.options.signatureAlgorithm = .rsaSHA1
        builder.options.digestAlgorithm = .sha1
        let rejection = try #require(try Validation.run(builder).rejection)
        #expect(rejection.check == .signature && rejection.reason.contains("SHA-1"), "\(rejection)")
        #expect(try Validation.run(builder, policy: IdentityProviderPolicy(allowSHA1: true)).accepted != nil)
    }

    @Test func anInvalidAssertionSignatureIsNotRescuedByAValidResponseSignature() throws {
        var builder = ResponseBuilder()
        builder.signing = .both
        let encoded = try builder.encoded { xml in
            // The Response's signature comes first in document order, the Assertion's second: corrupt the latter.
            let ranges = xml.ranges(of: "<ds:SignatureValue>")
            let start = ranges[1].upperBound
            return xml.replacingCharacters(in: start..<xml.index(start, offsetBy: 4), with: "AAAA")
        }
        #expect(try Validation.run(encoded).rejection?.check == .signature)
    }

    // MARK: XML Signature Wrapping (Somorovsky et al., "On Breaking SAML", 2012): XSW1–XSW8.

    static func evilAssertion(_ builder: ResponseBuilder) -> String {
        var evil = builder
        evil.nameIDContent = "mallory@example.com"
        evil.attributes = [("email", ["mallory@example.com"])]
        return evil.assertionXML
    }

    enum Wrapping: String, CaseIterable {
        case xsw1, xsw2, xsw3, xsw4, xsw5, xsw6, xsw7, xsw8
    }

    @Test(arguments: Wrapping.allCases)
    func signatureWrappingIsRejected(variant: Wrapping) throws {
        var builder = ResponseBuilder()
        builder.signing = [.xsw1, .xsw2].contains(variant) ? .response : .assertion
        let signed = try builder.signedXML()
        let evilAssertion = Self.evilAssertion(builder)
        let assertionStart = signed.range(of: "<saml:Assertion")!.lowerBound
        let assertionEnd = signed.range(of: "</saml:Assertion>")!.upperBound
        let original = String(signed[assertionStart..<assertionEnd])
        // The Assertion's own signature (absent for XSW1/2, where the Response is the signed element).
        let signature = Self.signatureBlock(in: original).map { String(original[$0]) } ?? ""
        let wrapped: String
        switch variant {
        case .xsw1:
            // Evil unsigned Response whose Signature holds the original signed Response in a ds:Object.
            let responseSignature = String(signed[Self.signatureBlock(in: signed)!])
            let evilResponse = signed.replacingCharacters(in: assertionStart..<assertionEnd, with: evilAssertion)
                .replacingOccurrences(of: responseSignature, with: "")
                .replacingOccurrences(of: "ID=\"\(builder.responseID)\"", with: "ID=\"_evil-response\"")
            let object = responseSignature.replacingOccurrences(
                of: "</ds:Signature>", with: "<ds:Object>\(Self.withoutDeclaration(signed))</ds:Object></ds:Signature>")
            wrapped = evilResponse.replacingOccurrences(
                of: "</saml:Issuer>", with: "</saml:Issuer>\(object)", options: [], range: nil)
        case .xsw2:
            // As XSW1 but the original signed Response sits beside the signature, detached.
            let responseSignature = String(signed[Self.signatureBlock(in: signed)!])
            let evilResponse = signed.replacingCharacters(in: assertionStart..<assertionEnd, with: evilAssertion)
                .replacingOccurrences(of: responseSignature, with: "")
                .replacingOccurrences(of: "ID=\"\(builder.responseID)\"", with: "ID=\"_evil-response\"")
            let inner = Self.withoutDeclaration(signed)
            wrapped = evilResponse.replacingOccurrences(
                of: "</saml:Issuer>", with: "</saml:Issuer>\(responseSignature)\(inner)")
        case .xsw3:
            // Evil Assertion with the same ID placed before the signed one.
            // (The evil copy keeps the signed Assertion's ID.)
            wrapped = signed.replacingCharacters(in: assertionStart..<assertionStart, with: evilAssertion)
        case .xsw4:
            // Evil Assertion wrapping the signed one.
            let evilWrapper = evilAssertion.replacingOccurrences(
                of: "</saml:Assertion>", with: original + "</saml:Assertion>")
            wrapped = signed.replacingCharacters(in: assertionStart..<assertionEnd, with: evilWrapper)
        case .xsw5:
            // Evil Assertion carrying the copied signature; the original appended at the end of the document.
            let evilSigned = evilAssertion.replacingOccurrences(
                of: "</saml:Issuer>", with: "</saml:Issuer>\(signature)")
            wrapped = signed.replacingCharacters(in: assertionStart..<assertionEnd, with: evilSigned)
                .replacingOccurrences(of: "</samlp:Response>", with: original + "</samlp:Response>")
        case .xsw6:
            // Evil Assertion with the copied signature, the original inside that signature's ds:Object.
            let object = signature.replacingOccurrences(
                of: "</ds:Signature>", with: "<ds:Object>\(original)</ds:Object></ds:Signature>")
            let evilSigned = evilAssertion.replacingOccurrences(of: "</saml:Issuer>", with: "</saml:Issuer>\(object)")
            wrapped = signed.replacingCharacters(in: assertionStart..<assertionEnd, with: evilSigned)
        case .xsw7:
            // The signed Assertion hidden in samlp:Extensions, an evil one in its place.
            wrapped = signed.replacingCharacters(in: assertionStart..<assertionEnd, with: evilAssertion)
                .replacingOccurrences(
                    of: "<samlp:Status>", with: "<samlp:Extensions>\(original)</samlp:Extensions><samlp:Status>")
        case .xsw8:
            // Evil Assertion whose (copied) signature holds the original, stripped of its signature, in ds:Object.
            var stripped = original
            stripped.removeSubrange(Self.signatureBlock(in: original)!)
            let object = signature.replacingOccurrences(
                of: "</ds:Signature>", with: "<ds:Object>\(stripped)</ds:Object></ds:Signature>")
            let evilSigned = evilAssertion.replacingOccurrences(of: "</saml:Issuer>", with: "</saml:Issuer>\(object)")
            wrapped = signed.replacingCharacters(in: assertionStart..<assertionEnd, with: evilSigned)
        }
        let result = try Validation.run(Data(wrapped.utf8).base64EncodedString())
        let rejection = try #require(result.rejection, "\(variant) was accepted")
        #expect([.assertionCount, .signature].contains(rejection.check), "\(variant): \(rejection)")
        #expect(result.accepted?.response.identity != "mallory@example.com")
    }

    @Test func signedAssertionMovedOutOfTheResponseIsRejected() throws {
        // A single Assertion, but hidden in Extensions: the one the Response "contains" is gone.
        let builder = ResponseBuilder()
        let signed = try builder.signedXML()
        let start = signed.range(of: "<saml:Assertion")!.lowerBound
        let end = signed.range(of: "</saml:Assertion>")!.upperBound
        let moved = signed.replacingCharacters(in: start..<end, with: "")
            .replacingOccurrences(
                of: "<samlp:Status>", with: "<samlp:Extensions>\(signed[start..<end])</samlp:Extensions><samlp:Status>")
        let rejection = try #require(try Validation.run(Data(moved.utf8).base64EncodedString()).rejection)
        #expect(rejection.check == .assertionCount && rejection.reason.contains("direct child"), "\(rejection)")
    }

    static func withoutDeclaration(_ xml: String) -> String {
        guard xml.hasPrefix("<?xml"), let end = xml.range(of: "?>") else { return xml }
        return String(xml[end.upperBound...])
    }

    @Test func duplicateIDsAreRejected() throws {
        var builder = ResponseBuilder()
        builder.extraResponseXML = "<samlp:Extensions ID=\"\(builder.assertionID)\"/>"
        let rejection = try #require(try Validation.run(builder.encoded()).rejection)
        #expect(rejection.check == .signature && rejection.reason.contains(builder.assertionID), "\(rejection)")
    }
}
