import ArgumentParser
import Credentials
import Foundation
import SAML
import XMLSecurity

/// `samlgate-bench validate` (the default): how many SAMLResponses one thread validates per second
/// (bench/validate.sh runs it).
///
/// It measures the stateless ACS work — base64, safe parse, signature checks and xmlsec verify, rule
/// checks — which is what every post-back pays before the few SQLite statements.
struct ValidateBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Validate one SAMLResponse N times on one thread and report the rate.")

    @Option(help: "File holding the base64 SAMLResponse (as POSTed).") var response: String
    @Option(help: "The IdP certificate (PEM or DER).") var cert: String
    @Option(help: "The account's base URL.") var baseURL = "https://help.example.com"
    @Option(help: "The account slug.") var slug = "acme"
    @Option(name: .short, help: "Iterations.") var n = 20_000

    func run() throws {
        try XMLSecurity.initialize()
        guard let responseData = FileManager.default.contents(atPath: response),
            let certificateData = FileManager.default.contents(atPath: cert)
        else { throw ValidationError("cannot read \(response) or \(cert)") }
        let encoded = String(decoding: responseData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let certificates = try CertificateImporter.certificates(from: [UInt8](certificateData))
        let validator = try ResponseValidator(
            provider: ServiceProvider(slug: slug, baseURL: baseURL), policy: IdentityProviderPolicy(),
            certificatesDER: certificates.map(\.der))
        let now = Date()
        // One checked run first: a benchmark of rejections proves nothing.
        if case .failure(let rejection) = validator.verify(samlResponse: encoded, now: now) {
            throw ValidationError("the response is rejected: \(rejection)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var accepted = 0
        for _ in 0..<n {
            if case .success = validator.verify(samlResponse: encoded, now: now) { accepted += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        precondition(accepted == n, "only \(accepted) of \(n) validations succeeded")
        let xmlBytes = StrictBase64.decode(encoded)?.count ?? 0
        print(
            String(
                format:
                    "validations_per_second=%.0f iterations=%d seconds=%.2f response_bytes=%d microseconds_each=%.1f",
                Double(n) / seconds, n, seconds, xmlBytes, seconds / Double(n) * 1e6))
    }
}
