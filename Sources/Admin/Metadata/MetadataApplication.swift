import Credentials
import Foundation
import SAML
import Store
import XMLSecurity

/// The one rule for applying a fetched IdP metadata document to an account's settings, used by
/// `saml set --idp-metadata-url`, `saml refresh` and the responder's background refresh.
///
/// A document is applied only if it parses under the response parser's rules (no DTD, no entities,
/// depth 64, 1 MiB), its signature verifies when a signing certificate is pinned, its validUntil has not
/// passed, its entityID equals the account's IdP entity ID (when set) and it has a signing certificate;
/// otherwise a ``MetadataRefusal`` names the check and nothing changes.
///
/// Rollover: certificates in the document are trusted at once; metadata certificates missing from it
/// stay trusted until `metadata_cert_grace` seconds after they were last seen; uploaded certificates
/// are never touched.
public enum MetadataApplication {
    /// Parse limits for a fetched document: the response parser's rules with the fetch's size cap.
    public static let limits = ParsingLimits(maxBytes: 1 << 20, maxDepth: 64)

    /// The settings `document` makes of `settings` at `now`, or the refusal.
    ///
    /// - Parameters:
    ///   - lastSeen: when each metadata certificate was last seen
    ///     (``StoreTransaction/metadataCertificatesLastSeen(accountID:)``).
    ///   - replacingCertificates: the document's certificates replace every other (a new metadata URL).
    public static func apply(
        _ document: [UInt8], to settings: SAMLSettings, lastSeen: [String: Date], now: Date,
        replacingCertificates: Bool = false
    ) throws(MetadataRefusal) -> MetadataUpdate {
        let metadata = try parse(document, pinned: settings.metadataSigningCertificate)
        if let validUntil = metadata.validUntil, validUntil <= now {
            throw MetadataRefusal(.validUntil, "the document's validUntil \(SAMLTime.format(validUntil)) has passed")
        }
        if let expected = settings.idpEntityID, metadata.entityID != expected {
            throw MetadataRefusal(
                .entityID, "the document is for entityID '\(metadata.entityID)', the account expects '\(expected)'")
        }
        let fresh = metadata.certificates
        let freshHashes = Set(fresh.map(\.sha256))
        let kept = replacingCertificates ? [] : settings.certificates
        // An uploaded certificate stays uploaded even while the document lists it too: it was the admin's
        // choice, and leaving the document later must not end its trust.
        let uploaded = kept.filter { !settings.metadataCertificates.contains($0.sha256) }
        let uploadedHashes = Set(uploaded.map(\.sha256))
        let graceEnd = { (certificate: Certificate) in
            (lastSeen[certificate.sha256] ?? now).addingTimeInterval(TimeInterval(settings.metadataCertGrace))
        }
        let vanished = kept.filter {
            settings.metadataCertificates.contains($0.sha256) && !freshHashes.contains($0.sha256)
        }
        let graced = vanished.filter { graceEnd($0) > now }
        var change = SAMLSettingsChange()
        do {
            try change.fill(
                from: metadata, source: settings.idpMetadataURL ?? "the metadata URL", stored: settings.requestBinding,
                storedLogout: settings.sloBinding)
        } catch {
            throw MetadataRefusal(.settings, "\(error)")
        }
        change.certificateFiles = nil
        change.certificates = fresh + uploaded.filter { !freshHashes.contains($0.sha256) } + graced
        var updated: SAMLSettings
        do {
            updated = try change.applied(to: settings)
        } catch {
            throw MetadataRefusal(.settings, "\(error)")
        }
        updated.metadataCertificates = freshHashes.subtracting(uploadedHashes).union(graced.map(\.sha256))
        return MetadataUpdate(
            settings: updated, metadata: metadata,
            added: fresh.filter { !settings.certificates.map(\.sha256).contains($0.sha256) },
            inGrace: graced.map { ($0, graceEnd($0)) }, removed: vanished.filter { graceEnd($0) <= now },
            documentSHA256: Digests.sha256Fingerprint(document))
    }

    /// Removes metadata certificates whose grace has ended, without a document (a refresh that failed
    /// still ends their trust on time); nil when none has.
    public static func expireGrace(of settings: SAMLSettings, lastSeen: [String: Date], now: Date) -> SAMLSettings? {
        let expired = settings.certificates.filter { certificate in
            settings.metadataCertificates.contains(certificate.sha256)
                && (lastSeen[certificate.sha256] ?? now).addingTimeInterval(TimeInterval(settings.metadataCertGrace))
                    <= now
        }
        guard !expired.isEmpty else { return nil }
        var updated = settings
        let gone = Set(expired.map(\.sha256))
        updated.certificates.removeAll { gone.contains($0.sha256) }
        updated.metadataCertificates.subtract(gone)
        return updated
    }

    private static func parse(_ document: [UInt8], pinned: Certificate?) throws(MetadataRefusal)
        -> IdentityProviderMetadata
    {
        var verifier: SignatureVerifier?
        if let pinned {
            do {
                verifier = SignatureVerifier(keys: try TrustedKeys(certificatesDER: [pinned.der]))
            } catch {
                throw MetadataRefusal(.signature, "the pinned metadata signing certificate is unusable: \(error)")
            }
        }
        do {
            return try IdentityProviderMetadata(xml: document, limits: limits, signedBy: verifier)
        } catch {
            switch error {
            case .signature: throw MetadataRefusal(.signature, "\(error)")
            case .missing(let what) where what.contains("signing certificate"):
                throw MetadataRefusal(.signingCertificate, "\(error)")
            case .badCertificate: throw MetadataRefusal(.signingCertificate, "\(error)")
            default: throw MetadataRefusal(.parse, "\(error)")
            }
        }
    }
}
