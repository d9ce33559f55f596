/// A session a sign-out ended: whose it was and, for a SAML session, whom to name to the IdP.
public struct EndedSession: Sendable, Hashable {
    /// The user's email.
    public let email: String
    /// How the session was created.
    public let authMethod: SessionRecord.AuthMethod
    /// The IdP's name for the user, for a SAML session.
    public let subject: SAMLSubject?
}
