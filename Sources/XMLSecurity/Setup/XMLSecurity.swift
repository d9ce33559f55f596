internal import CXML2
internal import CXMLSec

/// Process-wide setup of libxml2 and xmlsec, the one thing every other call in this module needs first.
///
/// Thread-safety rules this module relies on (and callers must keep):
/// 1. `initialize()` runs once, from the main thread, before any worker thread touches XML. libxml2 and
///    xmlsec keep global tables (parser defaults, transform and key-data registries) that are written
///    only during this call and read-only afterwards.
/// 2. Objects that outlive a request and are shared between threads are read-only after creation:
///    `TrustedKey`/`TrustedKeys` (public keys, duplicated per verification), `SigningKey` (duplicated
///    per signature) and `SignatureVerifier`.
/// 3. Everything mutable is per call: each verification or signature creates, uses and destroys its own
///    `xmlSecDSigCtx`; an `LibXMLDocument` and its `LibXMLElement`s belong to one request on one thread at a
///    time (they are not `Sendable`).
/// 4. Error reporting: libxml2 and xmlsec would print to stderr by default. Both are silenced globally
///    here; xmlsec messages are captured per thread (only while this module is verifying or signing on
///    that thread) and parser errors per parser context, so no thread sees another thread's messages.
public enum XMLSecurity {
    /// Initializes libxml2, xmlsec and its OpenSSL backend once; later calls return the first outcome.
    ///
    /// Call it from the main thread before starting worker threads (see the rules above). It throws
    /// when the loaded xmlsec library does not match the headers this module was compiled against, or
    /// when the crypto backend cannot start: continuing would verify signatures with the wrong ABI.
    public static func initialize() throws(XMLSecurityError) {
        try initializationOutcome.get()
    }

    /// Fails fast with a clear message when a caller forgot `initialize()`: xmlsec would otherwise
    /// crash or report every signature as invalid.
    static func requireInitialized() throws(XMLSecurityError) {
        try initializationOutcome.get()
    }

    /// `xmlSecDSigCtx` as Swift lays it out and as the C headers do. They differ when the shim's
    /// defines drift from `pkg-config --cflags xmlsec1-openssl`; every field access would then be wrong.
    static var dsigContextSizes: (swift: Int, c: Int) {
        (MemoryLayout<xmlSecDSigCtx>.size, Int(CXMLSec_sizeofDSigCtx()))
    }
}

/// Runs the C initialization exactly once: Swift initializes globals lazily under a lock.
private let initializationOutcome: Result<Void, XMLSecurityError> = performInitialization()

private func performInitialization() -> Result<Void, XMLSecurityError> {
    xmlInitParser()
    CXML2_silenceErrors()
    guard xmlSecInit() >= 0 else {
        return .failure(.initializationFailed("xmlSecInit failed"))
    }
    guard CXMLSec_checkVersion() == 1 else {
        return .failure(.initializationFailed("the xmlsec library does not match the headers it was built against"))
    }
    let sizes = XMLSecurity.dsigContextSizes
    guard sizes.swift == sizes.c else {
        return .failure(
            .initializationFailed(
                "xmlSecDSigCtx is \(sizes.swift) bytes in Swift but \(sizes.c) in C: "
                    + "CXMLSec/shim.h defines are out of date"))
    }
    guard CXMLSec_cryptoAppInit() >= 0 else {
        return .failure(.initializationFailed("xmlSecCryptoAppInit (OpenSSL) failed"))
    }
    guard CXMLSec_cryptoInit() >= 0 else {
        return .failure(.initializationFailed("xmlSecCryptoInit (OpenSSL) failed"))
    }
    XMLSecErrorLog.installCallback()
    return .success(())
}
