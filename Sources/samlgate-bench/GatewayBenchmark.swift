import ArgumentParser
import Credentials
import Endpoints
import Foundation
import HTTP
import SAML
import Store
@_spi(Testing) import TestSupport
import Synchronization
@_spi(Testing) import XMLSecurity

#if canImport(Glibc)
    import Glibc
#endif

/// `samlgate-bench gateway`: N sign-ins through the real ``SSOGateway`` — a freshly signed, unique Response
/// posted to the ACS handler, then the auth check with the cookie it set — against a temporary database.
///
/// scripts/leak-check.sh runs it under valgrind and compares peak RSS between counts: every per-request
/// allocation on the ACS and auth paths (xmlsec, libxml2, SQLite statements, Mustache, Foundation) is
/// exercised with inputs that differ each time, as in production.
struct GatewayBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Sign in N times through the gateway (ACS + auth check) and report rate and peak RSS.")

    @Option(name: .short, help: "Sign-ins.") var n = 1_000
    @Option(help: "The IdP key that signs the responses: rsa or ec (test fixtures).") var key = "rsa"
    @Flag(inversion: .prefixedNo, help: "Sign on a second thread, ahead of the sign-ins.") var signerThread = true
    @Option(help: "Keep the database in this folder instead of a temporary one that is removed.") var keep: String?

    func run() throws {
        try SAMLRuntime.initialize()
        guard key == "rsa" || key == "ec" else { throw ValidationError("--key must be rsa or ec") }
        let folder =
            keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("samlgate-bench-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }

        let template = ResponseBuilder()
        let fixture = try GatewayFixture(
            folder: folder, databaseName: "bench.db", users: [.init("alice@example.com")],
            certificateDER: key == "rsa" ? TestKeys.idpRSADER : TestKeys.idpECDER)
        let now = template.now
        let gateway = SSOGateway(store: fixture.store, secret: fixture.secret, clock: { now })

        // Signing costs more than the sign-in itself: by default a second thread signs ahead, at most 32
        // forms waiting. Under valgrind (threads serialized anyway) signing inline keeps the run deterministic.
        let keyName = key
        let count = n
        let sign: @Sendable (Int) -> Result<String, SigningFailure> = { index in
            var builder = ResponseBuilder()  // fresh Response and Assertion IDs
            builder.key = keyName == "rsa" ? TestKeys.idpRSA : TestKeys.idpEC
            if keyName == "ec" { builder.options.signatureAlgorithm = .ecdsaSHA256 }
            return Result {
                "SAMLResponse=" + URLEncoding.queryValue(try builder.encoded()) + "&RelayState=%2Ftickets%2F\(index)"
            }
            .mapError { SigningFailure(description: "\($0)") }
        }
        let forms = SignedForms(capacity: 32)
        if signerThread {
            Thread.detachNewThread {
                for index in 0..<count { forms.put(sign(index)) }
            }
        }

        let start = DispatchTime.now().uptimeNanoseconds
        var gatewayNanoseconds: UInt64 = 0
        for index in 0..<n {
            let form: String
            switch signerThread ? forms.take() : sign(index) {
            case .success(let signed): form = signed
            case .failure(let failure): throw ValidationError("signing failed: \(failure)")
            }
            let began = DispatchTime.now().uptimeNanoseconds
            let acs = gateway.handle(
                HTTPRequest(
                    method: "POST", path: "/sso/acme/acs",
                    headers: ["content-type": "application/x-www-form-urlencoded"],
                    parameters: ["REMOTE_ADDR": "192.0.2.7"], body: Array(form.utf8)))
            guard acs.status == 303,
                let cookie = acs.headers.first(where: { $0.name == "Set-Cookie" })?.value.split(separator: ";").first
            else { throw ValidationError("sign-in \(index) answered \(acs.status): \(acs.logMetadata)") }
            let auth = gateway.handle(
                HTTPRequest(method: "GET", path: "/sso/acme/auth", headers: ["cookie": String(cookie)]))
            gatewayNanoseconds += DispatchTime.now().uptimeNanoseconds - began
            guard auth.status == 204, auth.header("X-Samlgate-Email") == "alice@example.com" else {
                throw ValidationError("auth check \(index) answered \(auth.status)")
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(
            String(
                format: "sign_ins=%d seconds=%.2f gateway_microseconds_each=%.1f peak_rss_kb=%d", n, seconds,
                Double(gatewayNanoseconds) / 1e3 / Double(max(n, 1)), Self.peakResidentKilobytes()))
    }

    /// The process's peak resident set size (getrusage's ru_maxrss, in KiB on Linux).
    static func peakResidentKilobytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}

/// Signed POST bodies handed from the signing thread to the sign-in loop; `put` blocks while `capacity` wait,
/// so memory stays bounded whatever the relative speeds.
final class SignedForms: Sendable {
    private let waiting = Mutex<[Result<String, SigningFailure>]>([])
    private let filled = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore

    init(capacity: Int) {
        free = DispatchSemaphore(value: capacity)
    }

    func put(_ form: Result<String, SigningFailure>) {
        free.wait()
        waiting.withLock { $0.append(form) }
        filled.signal()
    }

    func take() -> Result<String, SigningFailure> {
        filled.wait()
        defer { free.signal() }
        return waiting.withLock { $0.removeFirst() }
    }
}

/// Why the signing thread could not sign a response.
struct SigningFailure: Error, CustomStringConvertible {
    let description: String
}
