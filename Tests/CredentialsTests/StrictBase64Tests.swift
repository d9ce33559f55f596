import Basics
import Foundation
import Testing

@testable import Credentials

/// Base64 as SAML's POST binding sends it: line breaks allowed, nothing else.
struct StrictBase64Tests {
    @Test(arguments: ["aGVsbG8=", "aGVs\nbG8=", " aGVs\r\n\tbG8= \n"])
    func decodesWithWhiteSpace(text: String) {
        #expect(StrictBase64.decode(text) == Array("hello".utf8))
    }

    @Test(arguments: ["aGVsbG8", "aGVs*bG8=", "aGVsbG8=!", "", "   ", "aGVs-G8=", "aGVsbG8=\u{0}"])
    func refusesAnythingElse(text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }

    @Test func fingerprintFormat() {
        #expect(Digests.sha256Fingerprint([]).hasPrefix("E3:B0:C4:42:98:FC:1C:14"))
        #expect(Digests.sha256Fingerprint([]).count == 32 * 3 - 1)
    }

    @Test func tokensAreRandomAndURLSafe() {
        let a = SecureRandom.token(), b = SecureRandom.token()
        #expect(a != b)
        #expect(a.count == 43)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }
}

/// The hand-written decoder agrees with Foundation's on every length and refuses misplaced padding.
struct StrictBase64ConformanceTests {
    @Test func matchesFoundationForAllShortInputs() {
        for length in 1...64 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            let encoded = Data(bytes).base64EncodedString(options: [
                .lineLength64Characters, .endLineWithCarriageReturn,
            ])
            #expect(StrictBase64.decode(encoded) == bytes, "length \(length)")
        }
    }

    @Test(arguments: ["aGVs=bG8", "aGVsbG8==", "=", "====", "aGVsbG8=aGVs", "A", "AB", "ABC"])
    func refusesMisplacedPaddingAndPartialGroups(text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }
}

/// URL-safe base64 agrees with Foundation's encoder on every length.
struct Base64URLTests {
    @Test func matchesFoundation() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 7) }
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected, "length \(length)")
        }
    }
}

/// Hex and constant-time comparison, shared by fingerprints, request IDs and secret checks.
struct HexAndConstantTimeTests {
    @Test func hex() {
        #expect(Hex.encode([0x00, 0xAB, 0x0F]) == "00ab0f")
        #expect(Hex.encode([0x00, 0xAB, 0x0F], uppercase: true, separator: ":") == "00:AB:0F")
        #expect(Hex.encode([]) == "")
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equal("token", "token") && ConstantTime.equal("", ""))
        #expect(!ConstantTime.equal("token", "tokem") && !ConstantTime.equal("token", "token2"))
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]) && !ConstantTime.equal([1, 2, 3], [1, 2, 4]))
    }
}

/// The four-at-a-time fast path and the character-by-character path agree with Foundation wherever
/// white space falls (inside groups, between them, or not at all) and whatever the length.
struct StrictBase64FastPathTests {
    @Test(arguments: [0, 1, 3, 4, 5, 7])
    func matchesFoundationWithWhiteSpaceAnywhere(spacing: Int) {
        for length in 1...300 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ length &* 7) }
            var encoded = ""
            for (offset, character) in Data(bytes).base64EncodedString().enumerated() {
                if spacing > 0, offset > 0, offset % spacing == 0 { encoded.append(offset % 2 == 0 ? " " : "\r\n") }
                encoded.append(character)
            }
            #expect(StrictBase64.decode(encoded) == bytes, "length \(length), spacing \(spacing)")
        }
    }

    @Test(arguments: [
        "QUJDREVG=QUJD", "QUJD==QUJD", "QUJDREVGSElK*", "QUJDREVGSE", "QUJDRA==QUJDREVG", "QUJD REVG QU=J",
    ])
    func refusesErrorsAfterWholeGroups(text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }
}
