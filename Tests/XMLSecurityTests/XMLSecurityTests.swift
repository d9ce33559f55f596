import Testing

@testable import XMLSecurity

/// Global setup and the ABI guard for the C struct layout.
struct XMLSecurityTests {
    @Test func initializeIsIdempotent() throws {
        try XMLSecurity.initialize()
        try XMLSecurity.initialize()
    }

    /// A wrong define in CXMLSec/shim.h silently shifts every xmlSecDSigCtx field (NOTES.md: 1104 vs 1032).
    @Test func dsigContextLayoutMatchesC() {
        let sizes = XMLSecurity.dsigContextSizes
        #expect(sizes.swift == sizes.c)
        #expect(sizes.c == 1032)
    }
}
