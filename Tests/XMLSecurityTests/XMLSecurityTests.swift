import Testing

@testable import XMLSecurity

/// Global setup and the ABI guard for the C struct layout.
struct XMLSecurityTests {
    @Test func initializeIsIdempotent() throws {
        try XMLSecurity.initialize()
        try XMLSecurity.initialize()
    }

    /// A wrong define in CXMLSec/shim.h silently shifts every xmlSecDSigCtx field (Swift then sees a
    /// different size, e.g. 1104 bytes against C's 1032).
    @Test func dsigContextLayoutMatchesC() {
        let sizes = XMLSecurity.dsigContextSizes
        #expect(sizes.swift == sizes.c)
        #expect(sizes.c == 1032)
    }
}
