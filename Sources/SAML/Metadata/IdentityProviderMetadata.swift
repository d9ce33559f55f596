import Credentials
import Foundation
import XMLSecurity

/// What an IdP's metadata tells us: its entity ID, its SSO URL and binding, whether it wants signed
/// AuthnRequests, and its signing certificates.
///
/// Pasting or uploading the IdP's metadata is the least error-prone way to configure samlgate: the
/// CLI's `saml set --idp-metadata` and the settings page both fill SSO URL, entity ID and
/// certificates from it, for the admin to review before saving.
public struct IdentityProviderMetadata: Sendable, Hashable {
    /// The IdP's entityID.
    public let entityID: String
    /// The SingleSignOnService location for ``ssoBinding``.
    public let ssoURL: String
    /// HTTP-Redirect when the IdP offers it (the usual case), HTTP-POST when that is its only binding.
    public let ssoBinding: SSOBinding
    /// Every SingleSignOnService location samlgate can use, by binding.
    public let ssoURLs: [SSOBinding: String]
    /// The IdP's SingleLogoutService endpoints samlgate can use, by binding (none: no Single Logout).
    public let sloEndpoints: [SSOBinding: SingleLogoutEndpoint]
    /// The IdP's `WantAuthnRequestsSigned`: it refuses unsigned AuthnRequests.
    public let wantsAuthnRequestsSigned: Bool
    /// The signing certificates (KeyDescriptors with `use="signing"` or no `use`).
    public let certificates: [Certificate]
    /// The earliest `validUntil` of the document's root and the IdP's EntityDescriptor: after it the
    /// document must not be used.
    public let validUntil: Date?
    /// The shortest `cacheDuration` of the root and the EntityDescriptor, in seconds: the document
    /// should be fetched again within it.
    public let cacheDuration: Int?
    /// Whether the document's signature was verified (``init(xml:limits:signedBy:)`` with a verifier).
    public let signatureVerified: Bool

    static let metadataNamespace = "urn:oasis:names:tc:SAML:2.0:metadata"

    /// The parse limits of a metadata file an admin gives: the safe parser's rules (no DTD, no entities,
    /// no network, depth 64) with room for a federation's file.
    public static let fileLimits = ParsingLimits(maxBytes: 8 << 20, maxDepth: 64)

    /// Parses metadata XML (an `EntityDescriptor`, or an `EntitiesDescriptor` holding exactly one IdP).
    ///
    /// Parsed with the same safe parser as responses (no DTD, no entities, no network). With `verifier`,
    /// the root element must carry an enveloped signature that verifies with its keys, and everything is
    /// read from the node it covers.
    public init(
        xml: [UInt8], limits: ParsingLimits = Self.fileLimits, signedBy verifier: SignatureVerifier? = nil
    ) throws(MetadataError) {
        try? XMLSecurity.initialize()
        let document: LibXMLDocument
        do {
            document = try LibXMLDocument(parsing: xml, limits: limits)
        } catch {
            throw .notXML("\(error)")
        }
        let name = { (local: String) in QualifiedName(Self.metadataNamespace, local) }
        var root = document.rootElement
        if let verifier {
            switch verifier.verifyEnvelopedSignature(on: root) {
            case .invalid(let failure): throw .signature("\(failure)")
            case .valid(let verified): root = verified.element
            }
        }
        let entities: [LibXMLElement]
        if root.hasName(name("EntityDescriptor")) {
            entities = [root]
        } else if root.hasName(name("EntitiesDescriptor")) {
            entities = root.descendantElements.filter { $0.hasName(name("EntityDescriptor")) }
        } else {
            throw .notMetadata(root.name.description)
        }
        let idps = entities.filter { !$0.childElements(named: name("IDPSSODescriptor")).isEmpty }
        guard idps.count == 1, let entity = idps.first,
            let descriptor = entity.childElements(named: name("IDPSSODescriptor")).first
        else { throw .identityProviderCount(idps.count) }
        guard let entityID = entity.attribute("entityID"), !entityID.isEmpty else { throw .missing("entityID") }
        let services = descriptor.childElements(named: name("SingleSignOnService"))
        let offered = SSOBinding.allCases.compactMap { binding -> (SSOBinding, String)? in
            let service = services.first { $0.attribute("Binding") == binding.uri }
            guard let location = service?.attribute("Location"), !location.isEmpty else { return nil }
            return (binding, location)
        }
        guard let (binding, ssoURL) = offered.first else {
            throw .missing("a SingleSignOnService with the HTTP-Redirect or HTTP-POST binding")
        }
        let logoutServices = descriptor.childElements(named: name("SingleLogoutService"))
        var sloEndpoints: [SSOBinding: SingleLogoutEndpoint] = [:]
        for binding in SSOBinding.allCases {
            let service = logoutServices.first { $0.attribute("Binding") == binding.uri }
            guard let location = service?.attribute("Location"), !location.isEmpty else { continue }
            let response = service?.attribute("ResponseLocation").flatMap { $0.isEmpty ? nil : $0 }
            sloEndpoints[binding] = SingleLogoutEndpoint(location: location, responseLocation: response)
        }
        let wantsSigned = descriptor.attribute("WantAuthnRequestsSigned")
        var certificates: [Certificate] = []
        let x509Certificate = QualifiedName(XMLNamespace.xmlDSig, "X509Certificate")
        for key in descriptor.childElements(named: name("KeyDescriptor")) where key.attribute("use") != "encryption" {
            for element in key.descendantElements where element.hasName(x509Certificate) {
                guard case .success(let text) = element.singleTextNode(), let der = StrictBase64.decode(text) else {
                    throw .badCertificate("an X509Certificate is not base64 text")
                }
                do {
                    certificates.append(try Certificate(der: der))
                } catch {
                    throw .badCertificate("\(error)")
                }
            }
        }
        guard !certificates.isEmpty else { throw .missing("a signing certificate (KeyDescriptor)") }
        let scopes = root == entity ? [root] : [root, entity]
        var validUntil: Date?
        for text in scopes.compactMap({ $0.attribute("validUntil") }) {
            guard let date = SAMLTime.parse(text) else { throw .badAttribute("validUntil", text) }
            validUntil = min(validUntil ?? date, date)
        }
        var cacheDuration: Int?
        for text in scopes.compactMap({ $0.attribute("cacheDuration") }) {
            guard let seconds = XMLDuration.seconds(text) else { throw .badAttribute("cacheDuration", text) }
            cacheDuration = min(cacheDuration ?? seconds, seconds)
        }
        self.validUntil = validUntil
        self.cacheDuration = cacheDuration
        self.signatureVerified = verifier != nil
        self.entityID = entityID
        self.ssoURL = ssoURL
        self.ssoBinding = binding
        self.ssoURLs = Dictionary(uniqueKeysWithValues: offered)
        self.sloEndpoints = sloEndpoints
        self.wantsAuthnRequestsSigned = wantsSigned == "true" || wantsSigned == "1"
        var seen = Set<String>()
        self.certificates = certificates.filter { seen.insert($0.sha256).inserted }
    }

    /// The Single Logout binding and endpoint to use: `preferred` when offered, else HTTP-Redirect,
    /// else HTTP-POST; nil when the IdP has no Single Logout.
    public func sloService(preferring preferred: SSOBinding?) -> (binding: SSOBinding, endpoint: SingleLogoutEndpoint)?
    {
        for binding in [preferred].compactMap({ $0 }) + SSOBinding.allCases {
            if let endpoint = sloEndpoints[binding] { return (binding, endpoint) }
        }
        return nil
    }

    /// The binding and SSO URL to use: `preferred` when the IdP offers it (an admin's earlier choice
    /// survives a metadata re-import), else ``ssoBinding`` and ``ssoURL``.
    public func ssoService(preferring preferred: SSOBinding?) -> (binding: SSOBinding, url: String) {
        if let preferred, let url = ssoURLs[preferred] { return (preferred, url) }
        return (ssoBinding, ssoURL)
    }
}

/// Why IdP metadata could not be used.
public enum MetadataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not acceptable XML.
    case notXML(String)
    /// The root element is not SAML metadata.
    case notMetadata(String)
    /// Not exactly one entity with an IDPSSODescriptor.
    case identityProviderCount(Int)
    /// A required part is missing.
    case missing(String)
    /// A certificate in the metadata is unusable.
    case badCertificate(String)
    /// The document's signature is missing or does not verify with the pinned certificate.
    case signature(String)
    /// A `validUntil` or `cacheDuration` attribute is not a time or a duration.
    case badAttribute(String, String)

    /// One sentence for the admin.
    public var description: String {
        switch self {
        case .notXML(let detail): "the IdP metadata is not acceptable XML: \(detail)"
        case .notMetadata(let root): "the file is not SAML metadata (root element \(root))"
        case .identityProviderCount(let count):
            "the metadata must describe exactly one identity provider (found \(count))"
        case .missing(let what): "the IdP metadata has no \(what)"
        case .badCertificate(let detail): "the IdP metadata holds an unusable certificate: \(detail)"
        case .signature(let detail): "the IdP metadata's signature is not acceptable: \(detail)"
        case .badAttribute(let name, let value): "the IdP metadata's \(name) '\(value)' is not valid"
        }
    }
}
