import Foundation
@_spi(Testing) import SAML
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Rule 3: corrupted AES-CBC ciphertext gets one answer whatever went wrong inside.
///
/// An attacker who can tell bad padding from a plaintext that does not parse decrypts CBC block by
/// block (Vaudenay 2002; Jager and Somorovsky, "How To Break XML Encryption", 2011). The browser sees
/// the check (its page and status: `.decryption` and `.signature` share both) and the time; the cause
/// goes to the sign-in log only.
@Suite(.timeLimit(.minutes(3)))
struct ResponseValidatorPaddingOracleTests {
    @Test func everyCorruptionGetsTheSameAnswer() throws {
        let fixture = try CorruptedCiphertext()
        #expect(try Validation.run(fixture.original).accepted != nil, "the uncorrupted message must be accepted")
        let byOutcome = Dictionary(grouping: fixture.variants, by: \.outcome)
        #expect(byOutcome[.badPadding, default: []].count >= 20 && byOutcome[.unparseable, default: []].count >= 20)

        var checks: Set<ValidationCheck> = []
        var causes: [String: Int] = [:]
        for variant in fixture.variants {
            let result = try Validation.run(variant.encoded)
            let rejection = try #require(result.rejection, "\(variant.corruption) was accepted")
            #expect(!rejection.isMalformed, "\(variant.corruption): \(rejection)")
            if variant.outcome == .parsed {
                #expect([.signature, .decryption].contains(rejection.check), "\(rejection)")
            } else {
                checks.insert(rejection.check)
            }
            causes["\(variant.outcome.rawValue): \(Self.cause(of: rejection))", default: 0] += 1
        }
        #expect(checks == [.decryption])
        for (cause, count) in causes.sorted(by: { $0.key < $1.key }) {
            print("padding oracle: \(count) × \(cause)")
        }
    }

    /// The validator's time for bad padding and for an unparseable plaintext, interleaved and compared by
    /// median. Without the validator's floor for failed decryptions they are 70-85 µs apart (about 300
    /// and 380 µs, debug build); with it both end at the floor, and the medians may differ by the sleep's
    /// jitter only. The printed medians are the measurement.
    @Test func badPaddingAndUnparseablePlaintextTakeAboutTheSameTime() throws {
        let fixture = try CorruptedCiphertext()
        let validator = try Validation.validator()
        let now = ResponseBuilder().now
        let classes: [CorruptedCiphertext.Outcome] = [.badPadding, .unparseable]
        let measured = fixture.variants.filter { classes.contains($0.outcome) }
        let smallest = classes.map { outcome in measured.count(where: { $0.outcome == outcome }) }.min() ?? 0
        try #require(smallest > 0)
        let rounds = (200 + smallest - 1) / smallest
        let clock = ContinuousClock()
        for variant in measured { _ = validator.verify(samlResponse: variant.encoded, now: now) }  // warm-up
        var samples: [CorruptedCiphertext.Outcome: [Duration]] = [:]
        var byCorruption: [String: [Duration]] = [:]
        for _ in 0..<rounds {
            for variant in measured {
                var result: Result<VerifiedResponse, Rejection>?
                let elapsed = clock.measure { result = validator.verify(samlResponse: variant.encoded, now: now) }
                #expect(result?.rejection?.check == .decryption)
                samples[variant.outcome, default: []].append(elapsed)
                byCorruption["\(variant.outcome.rawValue) after a \(variant.corruption.rawValue) change", default: []]
                    .append(elapsed)
            }
        }
        for (group, durations) in byCorruption.sorted(by: { $0.key < $1.key }) {
            print("padding oracle timing: median \(group): \(Self.microseconds(Self.median(durations))) µs")
        }
        let padding = Self.median(samples[.badPadding, default: []])
        let unparseable = Self.median(samples[.unparseable, default: []])
        let difference = padding > unparseable ? padding - unparseable : unparseable - padding
        print(
            "padding oracle timing: median bad padding \(Self.microseconds(padding)) µs "
                + "(\(samples[.badPadding, default: []].count) runs), median unparseable "
                + "\(Self.microseconds(unparseable)) µs (\(samples[.unparseable, default: []].count) runs), "
                + "difference \(Self.microseconds(difference)) µs")
        #expect(samples.values.allSatisfy { $0.count >= 200 })
        #expect(min(padding, unparseable) >= ResponseValidator.decryptionFailureFloor)
        #expect(difference < .microseconds(100))
    }

    /// The reason without xmlsec's details: enough to group the rejections by cause.
    private static func cause(of rejection: Rejection) -> String {
        for cause in ["could not be decrypted", "not acceptable XML", "does not decrypt to", "signature"]
        where rejection.reason.contains(cause) {
            return cause
        }
        return rejection.reason
    }

    private static func median(_ durations: [Duration]) -> Duration {
        let sorted = durations.sorted()
        return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
    }

    private static func microseconds(_ duration: Duration) -> Int {
        Int(duration / .microseconds(1))
    }
}
