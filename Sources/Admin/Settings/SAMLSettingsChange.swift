import Foundation
import Credentials
import SAML
import Store

/// A requested change to an account's SAML settings: nil fields stay as they are.
///
/// The CLI's `saml set` flags and the settings page's form both become one of these, so both go
/// through the same validation and the same single transaction.
public struct SAMLSettingsChange: Sendable {
    /// New SSO URL.
    public var ssoURL: String?
    /// New IdP entity ID; an empty string clears it.
    public var idpEntityID: String?
    /// Certificates, already parsed, to replace the list with; ``certificateFiles`` are added after them.
    ///
    /// The settings page sends the stored ones it keeps plus those it read from IdP metadata.
    public var certificates: [Certificate]?
    /// Certificate files to replace the list with (after ``certificates``), each already read into
    /// bytes (name for messages).
    public var certificateFiles: [(name: String, bytes: [UInt8])]?
    /// Turn SAML on or off.
    public var enabled: Bool?
    /// Turn Force SAML on or off.
    public var forceSAML: Bool?
    /// Allow or refuse SHA-1.
    public var allowSHA1: Bool?
    /// Allow or refuse IdP-initiated sign-in.
    public var allowIdPInitiated: Bool?
    /// New clock skew, seconds.
    public var clockSkew: Int?
    /// New session lifetime, seconds.
    public var sessionLifetime: Int?
    /// New sign-in log retention, seconds.
    public var logRetention: Int?
    /// Sign AuthnRequests or not.
    public var signRequests: Bool?
    /// Accept only encrypted assertions or not.
    public var requireEncryption: Bool?
    /// The binding AuthnRequests go by.
    public var requestBinding: SAMLSettings.RequestBinding?

    /// The IdP's Single Logout URL; an empty string clears it (and its response URL).
    public var sloURL: String?
    /// Where LogoutResponses go when the IdP names a separate ResponseLocation; empty clears it.
    public var sloResponseURL: String?
    /// The binding LogoutRequests go by.
    public var sloBinding: SAMLSettings.RequestBinding?
    /// The application cookies every sign-out expires (replacing the list; empty clears it).
    public var appLogoutCookies: [String]?

    /// The email domains a SAML identity must be in (replacing the list; empty clears it).
    public var emailDomains: [String]?
    /// The attribute that lists groups; an empty string goes back to the common ones.
    public var groupAttribute: String?
    /// The groups one of which a SAML sign-in needs (replacing the list; empty clears it).
    public var requiredGroups: [String]?
    /// The groups whose members are made `admin` at sign-in (replacing the list; empty clears it).
    public var adminGroups: [String]?

    /// Seconds between metadata fetches.
    public var metadataRefresh: Int?
    /// Seconds a certificate gone from the metadata stays trusted.
    public var metadataCertGrace: Int?

    /// An empty change.
    public init() {}

    /// Fills what `metadata` says and the change does not already set: SSO URL and its binding, entity
    /// ID, request signing (turned on when the IdP wants signed requests, never off) and certificates
    /// (unless certificate files are given).
    ///
    /// The binding is the change's own when it sets one (the IdP must offer it), else `stored` when the
    /// IdP still offers it, else the IdP's preferred one; the SSO URL is always that binding's location.
    /// The Single Logout URL (with its response URL and binding, `storedLogout` preferred) is filled the
    /// same way, when the IdP has one and the change does not set it.
    public mutating func fill(
        from metadata: IdentityProviderMetadata, source: String, stored: SAMLSettings.RequestBinding,
        storedLogout: SAMLSettings.RequestBinding = .redirect
    ) throws(SettingsError) {
        if let requestBinding, metadata.ssoURLs[requestBinding.ssoBinding] == nil {
            throw .bindingNotOffered(source: source, requestBinding)
        }
        let service = metadata.ssoService(preferring: (requestBinding ?? stored).ssoBinding)
        ssoURL = ssoURL ?? service.url
        requestBinding = SAMLSettings.RequestBinding(service.binding)
        idpEntityID = idpEntityID ?? metadata.entityID
        if sloURL == nil, let logout = metadata.sloService(preferring: storedLogout.ssoBinding) {
            sloURL = logout.endpoint.location
            sloResponseURL = sloResponseURL ?? logout.endpoint.responseLocation ?? ""
            sloBinding = sloBinding ?? SAMLSettings.RequestBinding(logout.binding)
        }
        if metadata.wantsAuthnRequestsSigned { signRequests = signRequests ?? true }
        certificateFiles =
            certificateFiles
            ?? metadata.certificates.enumerated().map {
                (name: "\(source) certificate \($0.offset + 1)", bytes: $0.element.der)
            }
    }

    /// Applies the change to `settings`, importing certificates; throws before anything is stored.
    ///
    /// - Parameter validating: check the result against ``SettingsValidator`` (off only when a metadata
    ///   document is applied next, which validates the final settings).
    public func applied(to settings: SAMLSettings, validating: Bool = true) throws(SettingsError) -> SAMLSettings {
        var result = settings
        if let ssoURL { result.ssoURL = ssoURL.isEmpty ? nil : ssoURL }
        if let idpEntityID { result.idpEntityID = idpEntityID.isEmpty ? nil : idpEntityID }
        if certificates != nil || certificateFiles != nil {
            var list = certificates ?? []
            for file in certificateFiles ?? [] {
                do {
                    list += try CertificateImporter.certificates(from: file.bytes)
                } catch {
                    throw SettingsError.certificate(file: file.name, error)
                }
            }
            // The same certificate given twice (kept and uploaded again) is stored once.
            var seen = Set<String>()
            result.certificates = list.filter { seen.insert($0.sha256).inserted }
        }
        if let enabled { result.enabled = enabled }
        if let forceSAML { result.forceSAML = forceSAML }
        if let allowSHA1 { result.allowSHA1 = allowSHA1 }
        if let allowIdPInitiated { result.allowIdPInitiated = allowIdPInitiated }
        if let clockSkew { result.clockSkew = clockSkew }
        if let sessionLifetime { result.sessionLifetime = sessionLifetime }
        if let logRetention { result.logRetention = logRetention }
        if let signRequests { result.signRequests = signRequests }
        if let requireEncryption { result.requireEncryption = requireEncryption }
        if let requestBinding { result.requestBinding = requestBinding }
        if let sloURL {
            result.sloURL = sloURL.isEmpty ? nil : sloURL
            if sloURL.isEmpty { result.sloResponseURL = nil }
        }
        if let sloResponseURL { result.sloResponseURL = sloResponseURL.isEmpty ? nil : sloResponseURL }
        if let sloBinding { result.sloBinding = sloBinding }
        if let appLogoutCookies { result.appLogoutCookies = appLogoutCookies.filter { !$0.isEmpty } }
        if let emailDomains {
            // "@acme.test" as typed in front of an address means the domain acme.test.
            result.emailDomains = emailDomains.map { domain in
                let name = Self.trimmed(domain)
                return (name.hasPrefix("@") ? String(name.dropFirst()) : name).lowercased()
            }.filter { !$0.isEmpty }
        }
        if let groupAttribute {
            let name = Self.trimmed(groupAttribute)
            result.groupAttribute = name.isEmpty ? nil : name
        }
        if let requiredGroups { result.requiredGroups = requiredGroups.map(Self.trimmed).filter { !$0.isEmpty } }
        if let adminGroups { result.adminGroups = adminGroups.map(Self.trimmed).filter { !$0.isEmpty } }
        if let metadataRefresh { result.metadataRefresh = metadataRefresh }
        if let metadataCertGrace { result.metadataCertGrace = metadataCertGrace }
        // Certificates given by hand are uploaded ones, whatever they were before.
        if certificates != nil || certificateFiles != nil {
            result.metadataCertificates.formIntersection(certificates?.map(\.sha256) ?? [])
        }
        if validating { try SettingsValidator.validate(result) }
        return result
    }

    /// A typed or pasted name without the white space around it.
    private static func trimmed(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
