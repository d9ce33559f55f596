/// A Single Logout message from the IdP that passed every stateless check, with how it came.
public struct LogoutMessage: Sendable, Hashable {
    /// What the IdP sent.
    public enum Content: Sendable, Hashable {
        /// The IdP asks us to end sessions (IdP-initiated, or another SP started it at the IdP).
        case request(VerifiedLogoutRequest)
        /// The IdP answers our LogoutRequest.
        case response(VerifiedLogoutResponse)
    }

    /// The message.
    public let content: Content
    /// The binding it came by: our answer to a request goes back the same way.
    public let binding: SSOBinding
    /// `RelayState`, decoded, to echo in our answer (opaque to us; bounded by the caller's page).
    public let relayState: String?
}
