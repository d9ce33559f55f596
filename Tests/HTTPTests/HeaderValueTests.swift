import HTTP
import Testing

@Suite struct HeaderValueTests {
    @Test(arguments: [
        ("a\r\nSet-Cookie: x=1", "a  Set-Cookie: x=1"), ("a\nb", "a b"), ("a\rb", "a b"), ("a\u{0}b", "a b"),
        ("a\tb", "a b"), ("a\u{7F}b", "a b"), ("a\u{1B}[31mb", "a [31mb"),
    ])
    func controlCharactersBecomeSpaces(value: String, expected: String) {
        #expect(HeaderValue.sanitized(value) == expected)
    }

    @Test(arguments: ["alice@example.com", "Zoë Ångström", "a b", "", "\u{85}next-line"])
    func everythingElseIsKept(value: String) {
        #expect(HeaderValue.sanitized(value) == value)
    }
}
