import Credentials
import Foundation
import SAML
import Store

/// What applying a metadata document does: the new settings and the certificate changes, for the
/// CLI's report and the log.
public struct MetadataUpdate: Sendable {
    /// The settings to save.
    public let settings: SAMLSettings
    /// The document, parsed.
    public let metadata: IdentityProviderMetadata
    /// Certificates trusted from now on that were not before.
    public let added: [Certificate]
    /// Certificates gone from the document, still trusted until the date beside each.
    public let inGrace: [(certificate: Certificate, until: Date)]
    /// Certificates gone from the document whose grace has ended: no longer trusted.
    public let removed: [Certificate]
    /// The document's SHA-256, recorded with the refresh.
    public let documentSHA256: String
}
