import Foundation
import Testing
import TestSupport

@testable import SAML

/// Interop with an independent SAML implementation: responses made by pysaml2's IdP
/// (`Tests/IdP/samlidp.py`) are accepted, and the same responses tampered with are not.
///
/// Needs the venv that `Tests/IdP/setup.sh` creates; `scripts/test.sh` sets `SAMLGATE_IDP_PYTHON`.
/// Under CI the variable must be set, so the suite can never be skipped silently there.
@Suite(.timeLimit(.minutes(2)), .enabled(if: PySAML2.python != nil || PySAML2.required))
struct PySAML2InteropTests {
    @Test(arguments: ["assertion", "response", "both"])
    func pysaml2ResponseIsAccepted(signing: String) throws {
        let encoded = try PySAML2.response(["--sign", signing, "--given-name", "Ann", "--family-name", "Lee"])
        let result = try Validation.run(encoded, now: Date())
        let accepted = try #require(result.accepted, "\(String(describing: result.rejection))")
        #expect(accepted.response.identity == "ann@example.com")
        #expect(accepted.response.givenName == "Ann" && accepted.response.familyName == "Lee")
    }

    @Test func pysaml2ECDSAResponseIsAccepted() throws {
        let encoded = try PySAML2.response(["--sig-alg", "ecdsa-sha256"], key: "idp-ec")
        #expect(try Validation.run(encoded, now: Date()).accepted != nil)
    }

    @Test func pysaml2AnswerToOurRequestIsAcceptedOnce() throws {
        let ledger = MemoryLedger()
        ledger.pending["_req-interop"] = "/after"
        let encoded = try PySAML2.response(["--in-response-to", "_req-interop"])
        let accepted = try #require(try Validation.run(encoded, now: Date(), ledger: ledger).accepted)
        #expect(accepted.spInitiated && accepted.storedReturnPath == "/after")
        #expect(try Validation.run(encoded, now: Date(), ledger: ledger).rejection?.check == .inResponseTo)
    }

    @Test(arguments: ["assertion", "response"])
    func tamperedPysaml2ResponseIsRejected(signing: String) throws {
        let encoded = try PySAML2.response(["--sign", signing])
        let xml = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        #expect(xml.contains("ann@example.com"))
        let tampered = xml.replacingOccurrences(of: "ann@example.com", with: "admin@example.com")
        let rejection = try #require(
            try Validation.run(Data(tampered.utf8).base64EncodedString(), now: Date()).rejection)
        #expect(rejection.check == .signature, "\(rejection)")
    }

    @Test func pysaml2ResponseForAnotherAudienceIsRejected() throws {
        let encoded = try PySAML2.response([], audience: "https://other-sp.example.com/metadata")
        #expect(try Validation.run(encoded, now: Date()).rejection?.check == .audience)
    }

    @Test func pysaml2ExpiredResponseIsRejected() throws {
        let encoded = try PySAML2.response(["--valid-seconds", "-600"])
        let check = try Validation.run(encoded, now: Date()).rejection?.check
        #expect(check == .notOnOrAfter)
    }

    @Test func pysaml2SHA1ResponseNeedsAllowSHA1() throws {
        let encoded = try PySAML2.response(["--sig-alg", "rsa-sha1", "--digest", "sha1"])
        #expect(try Validation.run(encoded, now: Date()).rejection?.check == .signature)
        #expect(
            try Validation.run(encoded, policy: IdentityProviderPolicy(allowSHA1: true), now: Date()).accepted != nil)
    }
}

/// Runs `Tests/IdP/samlidp.py response` with the committed test IdP keys.
enum PySAML2 {
    static let python = ProcessInfo.processInfo.environment["SAMLGATE_IDP_PYTHON"].flatMap {
        FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil
    }
    static let required = ProcessInfo.processInfo.environment["CI"] != nil
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func response(
        _ extra: [String], key: String = "idp-rsa", audience: String = ResponseBuilder.audience
    ) throws -> String {
        guard let python else {
            Issue.record("SAMLGATE_IDP_PYTHON is not set: run Tests/IdP/setup.sh (scripts/test.sh does)")
            throw CancellationError()
        }
        let certificates = repository.appendingPathComponent("Tests/Fixtures/certificates")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [
                repository.appendingPathComponent("Tests/IdP/samlidp.py").path, "response", "--acs",
                ResponseBuilder.acs,
                "--audience", audience, "--email", "ann@example.com",
                "--key", certificates.appendingPathComponent("\(key)-key.pem").path,
                "--cert", certificates.appendingPathComponent("\(key)-cert.pem").path,
            ] + extra
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("samlidp.py failed: \(errorText)")
            throw CancellationError()
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
