import Credentials
import Store

/// A change to where an account's settings come from: its IdP metadata URL and the certificate that
/// must sign the document. nil fields stay as they are.
public struct MetadataSourceChange: Sendable {
    /// The new metadata URL; an empty string stops refreshing (the certificates stay, as uploaded ones).
    public var url: String?
    /// The new pinned signing certificate; `.some(nil)` removes the pin.
    public var pinned: Certificate??
    /// Whether the same change uploads certificate files, which then stay beside the document's.
    public var uploadsCertificates: Bool

    /// A change of the metadata URL and/or its pinned signing certificate.
    public init(url: String?, pinned: Certificate??, uploadsCertificates: Bool) {
        self.url = url
        self.pinned = pinned
        self.uploadsCertificates = uploadsCertificates
    }

    /// `settings` with the new source set, and whether the document's certificates should replace the
    /// old ones: a new URL starts the list afresh (the admin chose the document as the source), unless the
    /// change uploads certificates to keep beside it.
    public func settingUp(_ settings: SAMLSettings) -> (settings: SAMLSettings, replacesCertificates: Bool) {
        var result = settings
        var replaces = false
        if let url {
            if url.isEmpty {
                result.idpMetadataURL = nil
                result.metadataCertificates = []
            } else if url != settings.idpMetadataURL {
                result.idpMetadataURL = url
                result.metadataCertificates = []
                replaces = !uploadsCertificates
            }
        }
        if let pinned { result.metadataSigningCertificate = pinned }
        return (result, replaces)
    }

    /// Whether the change needs the document fetched now: a new URL, or a new pin the current document
    /// must verify with.
    public var needsFetch: Bool { url.map { !$0.isEmpty } ?? (pinned != nil) }
}
