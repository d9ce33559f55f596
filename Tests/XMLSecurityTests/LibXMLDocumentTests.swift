import Foundation
import Testing
@_spi(Testing) import XMLSecurity

/// ACS rule 1: untrusted XML is parsed with no DTD, no entities, no network, bounded size and depth.
@Suite(.timeLimit(.minutes(1)))
struct LibXMLDocumentTests {
    init() throws { try XMLSecurity.initialize() }

    private func parse(_ text: String, limits: ParsingLimits = .saml) throws(XMLSecurityError) -> LibXMLDocument {
        try LibXMLDocument(parsing: Array(text.utf8), limits: limits)
    }

    private func rejection(_ text: String, limits: ParsingLimits = .saml) -> XMLSecurityError? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    static let doctypeAttacks: [String] = [
        "<!DOCTYPE r><r/>",
        "<!DOCTYPE r [<!ELEMENT r ANY>]><r/>",
        // Billion laughs: must be refused before a single expansion.
        """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">\
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>
        """,
        // Internal entity smuggling a different NameID.
        "<!DOCTYPE r [<!ENTITY who \"admin@example.com\">]><r>&who;</r>",
        // External entity (XXE) and external parameter entity.
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>",
        "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><r/>",
        "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>",
        "<!DOCTYPE r PUBLIC \"-//x//y\" \"http://127.0.0.1:9/evil.dtd\"><r/>",
        "<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE r [<!ENTITY a \"b\">]>\n<r>&a;</r>",
    ]

    @Test(arguments: doctypeAttacks)
    func doctypeIsRejected(xml: String) {
        #expect(rejection(xml) == .doctypeForbidden)
    }

    /// The content of an external entity target must never appear anywhere (it is never read).
    @Test func externalEntityTargetIsNeverRead() throws {
        let canary = "canary-\(UUID().uuidString)"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xxe-\(UUID().uuidString).txt")
        try canary.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let attacks = [
            "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"\(file.absoluteString)\">]><r>&xxe;</r>",
            "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"\(file.path)\">]><r>&xxe;</r>",
            "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"\(file.path)\" parse=\"text\"/></r>",
        ]
        for xml in attacks {
            if let error = rejection(xml) {
                #expect(!error.description.contains(canary))
                #expect(error == .doctypeForbidden)
            } else {
                #expect(!(try parse(xml).text()).contains(canary))
            }
        }
    }

    @Test func undeclaredEntityIsNotWellFormed() {
        guard case .notWellFormed = rejection("<r>&xxe;</r>") else {
            Issue.record("an undeclared entity must make the document not well-formed")
            return
        }
    }

    @Test func depthLimit() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)
        }
        _ = try parse(nested(64))
        #expect(rejection(nested(65)) == .tooDeep(limit: 64))
        #expect(rejection(nested(10), limits: ParsingLimits(maxDepth: 5)) == .tooDeep(limit: 5))
        // Far beyond libxml2's own limit: still a clean rejection.
        #expect(rejection(nested(5000)) != nil)
    }

    /// The depth walk climbs back out of each branch: siblings after a deep branch are measured from
    /// their own depth, and a later branch that goes too deep is still caught.
    @Test func depthLimitPerBranch() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<a>", count: depth) + "x<!--c-->" + String(repeating: "</a>", count: depth)
        }
        _ = try parse("<r>" + nested(63) + "t" + nested(63) + "<x/><!--c--></r>")
        #expect(rejection("<r>" + nested(63) + nested(10) + nested(64) + "</r>") == .tooDeep(limit: 64))
        #expect(rejection("<r>" + nested(64) + "</r>") == .tooDeep(limit: 64))
        #expect(
            rejection("<r><b>" + nested(3) + "</b>" + nested(5) + "</r>", limits: ParsingLimits(maxDepth: 5))
                == .tooDeep(limit: 5))
        _ = try parse("<r><b>" + nested(3) + "</b>" + nested(4) + "</r>", limits: ParsingLimits(maxDepth: 5))
        _ = try parse("<r><b>" + nested(3) + "</b>" + nested(3) + "</r>", limits: ParsingLimits(maxDepth: 5))
    }

    @Test func sizeLimit() {
        let big = "<r>" + String(repeating: "a", count: 300 * 1024) + "</r>"
        #expect(rejection(big) == .documentTooLarge(limit: 256 * 1024, actual: big.utf8.count))
    }

    static let notXML: [String] = [
        "hello", "{\"json\": true}", "<r>", "<r></s>", "<a/><b/>", "   ", "<r a='1' a='2'/>",
    ]

    @Test(arguments: notXML)
    func nonXMLIsRejected(text: String) {
        guard case .notWellFormed = rejection(text) else {
            Issue.record("\(text) must be rejected as not well-formed, got \(String(describing: rejection(text)))")
            return
        }
    }

    @Test func garbageBytesAreRejected() {
        #expect(throws: XMLSecurityError.emptyDocument) { try LibXMLDocument(parsing: []) }
        #expect(throws: XMLSecurityError.notUTF8(offset: 3)) {
            try LibXMLDocument(parsing: [0x3C, 0x72, 0x3E, 0xFF, 0xFE])
        }
        let utf16 = [UInt8]([0xFF, 0xFE]) + Array("<r/>".utf8).flatMap { [$0, 0] }
        #expect(throws: XMLSecurityError.notUTF8(offset: 0)) { try LibXMLDocument(parsing: utf16) }
        #expect(throws: (any Error).self) {
            try LibXMLDocument(parsing: [0x3C, 0x72, 0x3E, 0x00, 0x3C, 0x2F, 0x72, 0x3E])
        }
        #expect(
            rejection("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>") == .unsupportedEncoding("ISO-8859-1"))
    }

    @Test func utf8DocumentsParse() throws {
        let document = try parse("\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?><r>Zoë 日本</r>")
        #expect(try document.rootElement.singleTextNode().get() == "Zoë 日本")
    }

    @Test func elementNavigation() throws {
        let document = try LibXMLDocument.parse(SAMLSamples.response())
        let root = document.rootElement
        #expect(root.localName == "Response")
        #expect(root.namespaceURI == XMLNamespace.samlProtocol)
        #expect(root.hasName(.samlResponse))
        #expect(root.attribute("Destination") == "https://help.example.com/sso/acme/acs")
        #expect(root.attribute("Destination", namespace: XMLNamespace.samlProtocol) == nil)
        #expect(root.attribute("Missing") == nil)
        #expect(root.parent == nil)
        #expect(root.childElements.map(\.localName) == ["Issuer", "Status", "Assertion"])
        let assertion = try #require(root.childElements(named: .samlAssertion).first)
        #expect(assertion.parent == root)
        #expect(assertion.serializedXML.hasPrefix("<saml:Assertion"))
        let namespaced = try parse("<r xmlns:x=\"urn:x\" x:a=\"1\" a=\"2\"/>").rootElement
        #expect(namespaced.attribute("a", namespace: "urn:x") == "1")
        #expect(namespaced.attribute("a") == "2")
    }

    static let textCases: [(String, Result<String, TextContentProblem>)] = [
        ("<n> alice@example.com </n>", .success(" alice@example.com ")),
        ("<n>a&amp;b</n>", .success("a&b")),
        ("<n>admin@example.com<!---->.evil.com</n>", .failure(.containsComment)),
        ("<n><![CDATA[alice]]></n>", .failure(.containsCDATA)),
        ("<n>alice<b/></n>", .failure(.containsElement("b"))),
        ("<n>alice<?pi x?></n>", .failure(.containsProcessingInstruction)),
        ("<n/>", .failure(.empty)),
    ]

    /// ACS rule 10: a value is exactly one text node; comments, CDATA and elements inside are refused.
    @Test(arguments: textCases)
    func singleTextNode(xml: String, expected: Result<String, TextContentProblem>) throws {
        #expect(try parse(xml).rootElement.singleTextNode() == expected)
    }

    @Test func serializationRoundTrips() throws {
        let document = try LibXMLDocument.parse(SAMLSamples.response())
        let again = try LibXMLDocument(parsing: document.serialized())
        #expect(try again.text() == document.text())
    }
}
