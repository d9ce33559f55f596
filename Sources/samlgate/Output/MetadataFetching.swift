import Admin
import Credentials
import Fetch
import SAML

/// The CLI's side of a metadata fetch: the fetcher with the admin's time-out, and what to print.
enum MetadataFetching {
    /// A fetcher giving up after `timeout` seconds (default: ``FetchLimits``'s).
    static func fetcher(timeout: Int?) -> DocumentFetcher {
        var limits = FetchLimits()
        if let timeout { limits.timeout = timeout }
        return DocumentFetcher(limits: limits)
    }

    /// The document at `url`, or a one-line error naming the URL and what failed.
    static func fetch(_ url: String, timeout: Int?) throws -> [UInt8] {
        do {
            return try fetcher(timeout: timeout).fetch(url)
        } catch {
            throw CLIError("cannot fetch the IdP metadata from \(url) (nothing changed): \(error)")
        }
    }

    /// What applying a document did, in a few lines.
    static func summary(_ update: MetadataUpdate, changed: Bool) -> String {
        var lines = [
            "Applied IdP metadata for \(update.metadata.entityID)"
                + (update.metadata.signatureVerified ? " (signature verified)" : "")
                + (changed ? "." : "; nothing changed.")
        ]
        for certificate in update.added {
            lines.append("  trusted now:  \(certificate.subject), SHA-256 \(certificate.sha256)")
        }
        for (certificate, until) in update.inGrace {
            lines.append(
                "  gone from the document, trusted until \(SAMLTime.format(until)): \(certificate.subject), SHA-256 "
                    + certificate.sha256)
        }
        for certificate in update.removed {
            lines.append("  no longer trusted: \(certificate.subject), SHA-256 \(certificate.sha256)")
        }
        return lines.map(Terminal.escaped).joined(separator: "\n")
    }
}
