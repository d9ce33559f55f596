import HTTP
import Testing

/// Reading one cookie out of a `Cookie` header: the value the auth check and the forms trust.
struct CookiesTests {
    @Test(arguments: [
        ("samlgate_acme=abc", "abc"),
        ("a=1; samlgate_acme=abc; b=2", "abc"),
        ("a=1;samlgate_acme=abc;b=2", "abc"),
        ("  samlgate_acme \t=\t abc  ; b=2", "abc"),
        ("samlgate_acme=a=b", "a=b"),
        ("samlgate_acme==", "="),
        ("samlgate_acme=  ", ""),
        ("b=2; samlgate_acme=ünïcödé", "ünïcödé"),
        (";;samlgate_acme=abc;;", "abc"),
    ])
    func findsTheValue(header: String, expected: String) {
        #expect(Cookies.value(named: "samlgate_acme", in: header) == expected)
    }

    @Test(arguments: [
        "",
        "samlgate_acme",
        "samlgate_acme=",
        "=abc",
        "samlgate_acmex=abc",
        "xsamlgate_acme=abc",
        "samlgate_ac=abc",
        "Samlgate_acme=abc",
        "samlgate_acme=abc; samlgate_acme=def",
        "samlgate_acme=abc; samlgate_acme=abc",
    ])
    func findsNothing(header: String) {
        #expect(Cookies.value(named: "samlgate_acme", in: header) == nil)
    }

    @Test func noHeaderNoValue() {
        #expect(Cookies.value(named: "samlgate_acme", in: nil) == nil)
    }
}
