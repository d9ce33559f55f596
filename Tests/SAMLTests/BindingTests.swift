import Foundation
import Testing
import TestSupport

@_spi(Testing) @testable import SAML

/// DEFLATE, URL encoding and SAML times: the small codecs the bindings rely on.
struct BindingTests {
    @Test func deflateRoundTripsAndRefusesBombsAndGarbage() {
        let text = Array(String(repeating: "samlgate ", count: 1000).utf8)
        let compressed = RawDeflate.compress(text)
        #expect(compressed.count < text.count / 10)
        #expect(RawDeflate.decompress(compressed) == text)
        #expect(RawDeflate.decompress(compressed, limit: 100) == nil)
        #expect(RawDeflate.decompress([0xFF, 0xFF, 0xFF, 0x00]) == nil)
        #expect(RawDeflate.decompress(Array(compressed.prefix(5))) == nil)
    }

    @Test func urlEncoding() {
        #expect(URLEncoding.queryValue("a+b/c=d é") == "a%2Bb%2Fc%3Dd%20%C3%A9")
        #expect(URLEncoding.formValue("a%2Bb+c%3d") == "a+b c=")
        #expect(URLEncoding.formValue("%zz") == nil)
        #expect(URLEncoding.formValue("%") == nil)
        #expect(URLEncoding.formValue("%ff") == nil)
    }

    @Test(arguments: [
        ("2026-11-30T16:00:00Z", 1_796_054_400.0), ("2026-11-30T16:00:00.5Z", 1_796_054_400.5),
        ("2026-11-30T17:00:00+01:00", 1_796_054_400.0), ("2026-11-30T15:30:00-00:30", 1_796_054_400.0),
    ])
    func parsesSAMLTimes(text: String, seconds: Double) {
        #expect(SAMLTime.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: [
        "2026-11-30T16:00:00", "2026-11-30 16:00:00Z", "2026-13-30T16:00:00Z", "2026-11-30T16:00:00Zjunk",
        "2026-11-30T16:00:00.Z", "", "yesterday", "2026-11-30T16:00:00+0100",
    ])
    func refusesOtherTimes(text: String) {
        #expect(SAMLTime.parse(text) == nil)
    }

    @Test func formatsUTC() {
        #expect(SAMLTime.format(Date(timeIntervalSince1970: 1_796_054_400.9)) == "2026-11-30T16:00:00Z")
    }
}
