/// The IdP's LogoutResponse to a LogoutRequest of ours, with a verified signature; the caller checks
/// that ``inResponseTo`` names a request it sent.
public struct VerifiedLogoutResponse: Sendable, Hashable {
    /// The request this answers.
    public let inResponseTo: String
    /// The IdP's entity ID.
    public let issuer: String
    /// Whether the top-level status is Success.
    public let succeeded: Bool
    /// The status as the IdP gave it (codes and message), for the log.
    public let status: String
}
