/// The check a fetched metadata document failed: a fixed set of names, so the log, the settings page
/// and the metrics' `check` label all stay bounded.
public enum MetadataCheck: String, Sendable, Hashable, CaseIterable {
    /// The document could not be fetched (URL rule, connection, TLS, status, size, time-out).
    case fetch
    /// Not acceptable XML or not SAML metadata for exactly one IdP.
    case parse
    /// The pinned signing certificate did not verify the document's signature.
    case signature
    /// The document's validUntil has passed.
    case validUntil = "valid_until"
    /// The document's entityID is not the account's IdP entity ID.
    case entityID = "entity_id"
    /// The document has no usable signing certificate.
    case signingCertificate = "signing_certificate"
    /// The settings the document would produce break a settings rule.
    case settings
}
