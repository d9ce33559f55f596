import Basics
import Testing

@Suite struct WhitespaceTests {
    @Test(arguments: [
        (" \t\r\n a b \r\n", Whitespace.xml, "a b"), (" \t a b \t", .http, "a b"), ("\r\na\r\n", .http, "\r\na\r\n"),
        ("   ", .xml, ""), ("", .http, ""), ("\u{A0}a\u{2003}", .xml, "\u{A0}a\u{2003}"),
    ])
    func trimsOnlyItsOwnWhitespace(text: String, rule: Whitespace, expected: String) {
        #expect(text.trimming(rule) == expected)
        #expect(String(decoding: Array(text.utf8).trimming(rule), as: UTF8.self) == expected)
    }

    @Test func aSliceOfTheSameText() {
        let text = "  value "
        let trimmed = text.utf8.trimming(.http)
        #expect(trimmed.startIndex == text.utf8.index(text.utf8.startIndex, offsetBy: 2))
        #expect(trimmed.elementsEqual("value".utf8))
    }
}
