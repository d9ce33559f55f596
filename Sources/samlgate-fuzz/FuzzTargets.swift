import Admin
import Credentials
import Foundation
import Store
@_spi(Testing) import SAML
import TestSupport

// libFuzzer targets for samlgate's untrusted-input parsers (built by fuzz/run.sh with
// `-sanitize=fuzzer,address`; main.swift hands control to libFuzzer). The target is chosen by
// $SAMLGATE_FUZZ_TARGET: `acs` (base64 → XML → full validation), `certificate` (PEM/DER/base64 import),
// `metadata` (IdP metadata: a file, a fetched document applied to settings, a cacheDuration), `returnpath` (RelayState / return_to), `form` (URL-encoded form decoding),
// `fastcgi` (raw bytes on a FastCGI connection to the real server and gateway: records, parameters,
// bodies, routing, forms and multipart, handlers), `logout` (Single Logout messages: the bytes as an
// HTTP-Redirect query, as the XML of an HTTP-Redirect or HTTP-POST message).

/// Everything the ACS target needs, built once: a validator with the committed test IdP certificate.
private let validator: ResponseValidator = {
    do {
        try SAMLRuntime.initialize()
        return try ResponseValidator(
            provider: ServiceProvider(slug: GatewayFixture.slug, baseURL: GatewayFixture.baseURL),
            policy: IdentityProviderPolicy(), certificatesDER: [TestKeys.idpRSADER])
    } catch {
        fatalError("fuzz setup failed: \(error)")
    }
}()

/// Started on first use only: the other targets need no socket, thread or database.
private let fastCGIServer: FastCGIFuzzServer = {
    do {
        return try FastCGIFuzzServer()
    } catch {
        fatalError("fuzz setup failed: \(error)")
    }
}()

/// Settings following a metadata URL, with one uploaded certificate, for the metadata target.
private let metadataSettings: SAMLSettings = {
    var settings = SAMLSettings()
    settings.idpMetadataURL = "https://idp.example.com/metadata"
    if let certificate = try? Certificate(der: TestKeys.idpRSADER) { settings.certificates = [certificate] }
    return settings
}()

private let target = ProcessInfo.processInfo.environment["SAMLGATE_FUZZ_TARGET"] ?? "acs"
private let fixedNow = Date(timeIntervalSince1970: 1_796_054_400)

/// One input from libFuzzer.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case "acs":
        // Fuzz both the raw XML (wrapped in base64, as posted) and the base64 layer itself.
        _ = validator.verify(samlResponse: Data(bytes).base64EncodedString(), now: fixedNow)
        _ = validator.verify(samlResponse: String(decoding: bytes, as: UTF8.self), now: fixedNow)
    case "certificate":
        _ = try? CertificateImporter.certificates(from: bytes)
    case "metadata":
        // As an uploaded file, as a fetched document applied to settings (rollover and all), and the bytes
        // as a cacheDuration.
        _ = try? IdentityProviderMetadata(xml: bytes)
        _ = try? MetadataApplication.apply(bytes, to: metadataSettings, lastSeen: [:], now: fixedNow)
        _ = XMLDuration.seconds(String(decoding: bytes, as: UTF8.self))
    case "returnpath":
        let text = String(decoding: bytes, as: UTF8.self)
        if let resolved = ReturnPath.resolve(text, baseURL: "https://help.example.com/desk") {
            // The invariant that matters: never leave the origin (what follows it starts a path or a query).
            let origin = "https://help.example.com"
            let rest = resolved.dropFirst(origin.count)
            precondition(
                resolved.hasPrefix(origin) && (rest.isEmpty || rest.hasPrefix("/") || rest.hasPrefix("?"))
                    && !rest.hasPrefix("//"), "open redirect: \(text) -> \(resolved)")
        }
    case "form":
        _ = URLEncoding.formValue(String(decoding: bytes, as: UTF8.self))
        _ = RawDeflate.decompress(bytes)
    case "fastcgi":
        fastCGIServer.exchange(bytes)
    case "logout":
        let logout = LogoutValidator(validator)
        _ = logout.verify(redirectQuery: String(decoding: bytes, as: UTF8.self), now: fixedNow)
        let deflated = Data(RawDeflate.compress(bytes)).base64EncodedString()
        _ = logout.verify(redirectQuery: "SAMLRequest=" + URLEncoding.queryValue(deflated), now: fixedNow)
        let encoded = Data(bytes).base64EncodedString()
        _ = logout.verify(postedRequest: encoded, postedResponse: nil, relayState: nil, now: fixedNow)
        _ = logout.verify(postedRequest: nil, postedResponse: encoded, relayState: "r", now: fixedNow)
    default:
        fatalError("unknown SAMLGATE_FUZZ_TARGET \(target)")
    }
    return 0
}

/// The symbol libFuzzer's own `main` calls when the linker picks it over ours.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(data, size)
}
