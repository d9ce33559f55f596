import Endpoints
import Testing

/// URL-encoded form parsing, from bytes (the ACS body) and from query strings.
struct FormDataTests {
    @Test(arguments: [
        ("a=1&b=x+y%21&c=", [("a", "1"), ("b", "x y!"), ("c", "")]),
        ("&&a=1&&", [("a", "1")]),
        ("flag&k=%zz&v=%E2%82%AC", [("flag", ""), ("v", "€")]),
        ("SAMLResponse=PHNhbWw%2B%0D%0A&RelayState=%2Fx", [("SAMLResponse", "PHNhbWw+\r\n"), ("RelayState", "/x")]),
        ("", []),
        ("bad=%ff", []),
    ])
    func parsesBytesAndStringsAlike(text: String, expected: [(String, String)]) {
        for form in [FormData(urlEncoded: Array(text.utf8)), FormData(urlEncoded: text)] {
            #expect(form.pairs.map(\.name) == expected.map(\.0), "\(text)")
            #expect(form.pairs.map(\.value) == expected.map(\.1), "\(text)")
        }
    }

    @Test func duplicatesAreNotSingle() {
        let form = FormData(urlEncoded: Array("a=1&a=2&b=3".utf8))
        #expect(form.single("a") == nil && form.count("a") == 2 && form.single("b") == "3")
    }
}
