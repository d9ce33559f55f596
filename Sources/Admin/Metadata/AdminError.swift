/// Why an admin operation could not start.
public enum AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The account has no IdP metadata URL to refresh from.
    case noMetadataURL(String)

    /// One sentence for the admin.
    public var description: String {
        switch self {
        case .noMetadataURL(let slug):
            "account '\(slug)' has no IdP metadata URL (set one with saml set --idp-metadata-url URL)"
        }
    }
}
