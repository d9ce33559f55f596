import Testing

@testable import XMLSecurity

/// The in-place searches agree with the handle-per-element ones they replace on the hot path.
@Suite(.timeLimit(.minutes(1)))
struct LibXMLElementChildrenTests {
    init() throws { try XMLSecurity.initialize() }

    private static let a = "urn:a"
    private static let xml = """
        <r xmlns="urn:a" xmlns:b="urn:b"><x id="1"><x id="2"><b:x id="3"/></x><!-- c --><y/></x>text<x id="4"/>\
        <y><z><x id="5"/></z></y></r>
        """

    private func root() throws -> LibXMLElement {
        try LibXMLDocument(parsing: Array(Self.xml.utf8)).rootElement
    }

    @Test func descendantsByNameMatchFilteredDescendants() throws {
        let root = try root()
        for name in [
            QualifiedName(Self.a, "x"), QualifiedName("urn:b", "x"), QualifiedName(nil, "x"),
            QualifiedName(Self.a, "q"),
        ] {
            let expected = root.descendantElements.filter { $0.hasName(name) }
            #expect(root.descendantElements(named: name) == expected, "\(name)")
            #expect(root.hasDescendantElement(named: name) == !expected.isEmpty, "\(name)")
        }
        #expect(
            root.descendantElements(named: QualifiedName(Self.a, "x")).map { $0.attribute("id") } == [
                "1", "2", "4", "5",
            ])
    }

    @Test func descendantsStopAtTheElementsOwnSubtree() throws {
        let first = try #require(try root().firstChildElement(named: QualifiedName(Self.a, "x")))
        #expect(first.descendantElements.map { $0.attribute("id") ?? $0.localName } == ["2", "3", "y"])
        #expect(first.descendantElements(named: QualifiedName(Self.a, "x")).map { $0.attribute("id") } == ["2"])
        let leaf = try #require(first.descendantElements(named: QualifiedName("urn:b", "x")).first)
        #expect(leaf.descendantElements.isEmpty)
        #expect(!leaf.hasDescendantElement(named: QualifiedName(Self.a, "x")))
    }

    @Test func childrenByNameMatchFilteredChildren() throws {
        let root = try root()
        for name in [QualifiedName(Self.a, "x"), QualifiedName(Self.a, "y"), QualifiedName("urn:b", "x")] {
            let expected = root.childElements.filter { $0.hasName(name) }
            #expect(root.childElements(named: name) == expected)
            #expect(root.firstChildElement(named: name) == expected.first)
        }
    }

    @Test(arguments: [("x", true), ("", false), ("xx", false), ("X", false), ("x\u{0}", false)])
    func namesCompareExactly(localName: String, matches: Bool) throws {
        let child = try #require(try root().childElements.first)
        #expect(child.hasName(QualifiedName(Self.a, localName)) == matches)
    }

    @Test func namespaceMustMatchExactly() throws {
        let child = try #require(try root().childElements.first)
        #expect(!child.hasName(QualifiedName("urn:", "x")))
        #expect(!child.hasName(QualifiedName("urn:ab", "x")))
        #expect(!child.hasName(QualifiedName(nil, "x")))
        let bare = try LibXMLDocument(parsing: Array("<x/>".utf8)).rootElement
        #expect(bare.hasName(QualifiedName(nil, "x")))
        #expect(!bare.hasName(QualifiedName("", "x")))
    }

    @Test func attributeValuesAreReadWhole() throws {
        let document = try LibXMLDocument(
            parsing: Array(#"<r a="" b="a&amp;b&#x20;c" c="long value that is well past the small-string size"/>"#.utf8)
        )
        let root = document.rootElement
        #expect(root.attribute("a") == "")
        #expect(root.attribute("b") == "a&b c")
        #expect(root.attribute("c") == "long value that is well past the small-string size")
        #expect(root.attribute("d") == nil)
    }
}
