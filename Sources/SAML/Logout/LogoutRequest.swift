import Basics
import Credentials
import Foundation

/// A LogoutRequest we send to the IdP when a user signs out (SAML profiles §4.4.3.1): it names the
/// user's NameID exactly as received and the session the IdP told us about.
///
/// The ID is what the IdP echoes as InResponseTo, so the caller stores it before sending. Always
/// signed by the caller (Okta accepts only signed logout requests; an unsigned one lets anyone log
/// anyone out of the IdP).
public struct LogoutRequest: Sendable {
    /// `_` plus 160 random bits in hex.
    public let id: String
    /// When it was made.
    public let issueInstant: Date
    /// Until when the IdP may act on it.
    public let notOnOrAfter: Date
    /// The IdP's Single Logout URL.
    public let destination: String
    /// Our entity ID.
    public let issuer: String
    /// The user, as the IdP named them.
    public let nameID: NameIdentifier
    /// The IdP session, when the Assertion gave one.
    public let sessionIndex: String?

    /// How long the IdP has to act on a request: the time a browser takes to follow one redirect,
    /// generously.
    public static let lifetime: TimeInterval = 300

    /// A request from `provider` to `destination` for `nameID`, with a fresh ID.
    public init(
        provider: ServiceProvider, destination: String, nameID: NameIdentifier, sessionIndex: String?,
        now: Date = Date()
    ) {
        self.id = "_" + Hex.encode(SecureRandom.bytes(20))
        self.issueInstant = now
        self.notOnOrAfter = now.addingTimeInterval(Self.lifetime)
        self.destination = destination
        self.issuer = provider.audienceURI
        self.nameID = nameID
        self.sessionIndex = sessionIndex
    }

    /// The request XML.
    public var xml: String {
        let index = sessionIndex.map { "<samlp:SessionIndex>\(XMLEscaping.attribute($0))</samlp:SessionIndex>" } ?? ""
        return """
            <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(id)" Version="2.0" \
            IssueInstant="\(SAMLTime.format(issueInstant))" NotOnOrAfter="\(SAMLTime.format(notOnOrAfter))" \
            Destination="\(XMLEscaping.attribute(destination))">\
            <saml:Issuer>\(XMLEscaping.attribute(issuer))</saml:Issuer>\(nameID.xml)\(index)\
            </samlp:LogoutRequest>
            """
    }
}
