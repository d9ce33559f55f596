import Basics
import Credentials
import Foundation

/// The LogoutResponse we send back to the IdP after it asked us to end a user's sessions (SAML
/// profiles §4.4.3.3), signed by the caller.
public struct LogoutResponse: Sendable {
    /// How the logout went.
    public enum Outcome: Sendable, Hashable {
        /// Every session asked for has ended (or there was none).
        case success
        /// Something could not be ended: top-level Success with the second-level PartialLogout
        /// (core §3.7.3.2), what IdPs expect from a participant that ended only part of it.
        case partialLogout
    }

    /// `_` plus 160 random bits in hex.
    public let id: String
    /// When it was made.
    public let issueInstant: Date
    /// The IdP's Single Logout (response) URL.
    public let destination: String
    /// The LogoutRequest answered.
    public let inResponseTo: String
    /// Our entity ID.
    public let issuer: String
    /// How it went.
    public let outcome: Outcome

    /// A response from `provider` to the request `inResponseTo`, with a fresh ID.
    public init(
        provider: ServiceProvider, destination: String, inResponseTo: String, outcome: Outcome, now: Date = Date()
    ) {
        self.id = "_" + Hex.encode(SecureRandom.bytes(20))
        self.issueInstant = now
        self.destination = destination
        self.inResponseTo = inResponseTo
        self.issuer = provider.audienceURI
        self.outcome = outcome
    }

    static let successStatus = "urn:oasis:names:tc:SAML:2.0:status:Success"
    static let partialLogoutStatus = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"

    /// The response XML.
    public var xml: String {
        let code =
            switch outcome {
            case .success: #"<samlp:StatusCode Value="\#(Self.successStatus)"/>"#
            case .partialLogout:
                #"<samlp:StatusCode Value="\#(Self.successStatus)"><samlp:StatusCode Value="\#(Self.partialLogoutStatus)"/></samlp:StatusCode>"#
            }
        return """
            <samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(id)" Version="2.0" \
            IssueInstant="\(SAMLTime.format(issueInstant))" Destination="\(XMLEscaping.attribute(destination))" \
            InResponseTo="\(XMLEscaping.attribute(inResponseTo))">\
            <saml:Issuer>\(XMLEscaping.attribute(issuer))</saml:Issuer><samlp:Status>\(code)</samlp:Status>\
            </samlp:LogoutResponse>
            """
    }
}
