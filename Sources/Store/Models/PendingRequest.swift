/// An AuthnRequest we sent and have not yet seen answered.
public struct PendingRequest: Sendable, Hashable {
    /// The request's ID, which the IdP echoes as InResponseTo.
    public let requestID: String
    /// The opaque RelayState token sent with it.
    public let relayToken: String
    /// Where to send the user after sign-in (a path on the application).
    public let returnTo: String?

    /// Creates a pending request value.
    public init(requestID: String, relayToken: String, returnTo: String?) {
        self.requestID = requestID
        self.relayToken = relayToken
        self.returnTo = returnTo
    }
}
