import XMLSecurity

/// Process-wide setup for SAML processing.
public enum SAMLRuntime {
    /// Initializes libxml2 and xmlsec once. Call it from the main thread before starting worker
    /// threads (the XMLSecurity module documents why); later calls return the first outcome.
    public static func initialize() throws {
        try XMLSecurity.initialize()
    }
}
