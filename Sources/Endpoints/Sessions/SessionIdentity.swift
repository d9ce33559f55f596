import Store

/// The signed-in user behind a request's session cookie, as handed to the application.
struct SessionIdentity: Sendable {
    let account: Account
    let user: User
    let session: SessionRecord

    /// Identity as (suffix, value) pairs: `X-Samlgate-<Suffix>` headers for nginx `auth_request`,
    /// `Variable-SAMLGATE_<SUFFIX>` for the Authorizer role. `Subject` (the NameID as the IdP sent it) only
    /// for a SAML session, `Groups` (a ``GroupList`` line) only when its sign-in received a group attribute;
    /// the shipped snippets clear them, and every other `X-Samlgate-` header, otherwise.
    var fields: [(header: String, variable: String, value: String)] {
        [
            ("X-Samlgate-Account", "SAMLGATE_ACCOUNT", account.slug),
            ("X-Samlgate-Email", "SAMLGATE_EMAIL", user.email),
            ("X-Samlgate-Given-Name", "SAMLGATE_GIVEN_NAME", user.givenName ?? ""),
            ("X-Samlgate-Family-Name", "SAMLGATE_FAMILY_NAME", user.familyName ?? ""),
            ("X-Samlgate-Role", "SAMLGATE_ROLE", user.role.rawValue),
            ("X-Samlgate-Auth-Method", "SAMLGATE_AUTH_METHOD", session.authMethod.rawValue),
        ] + (session.nameID.map { [("X-Samlgate-Subject", "SAMLGATE_SUBJECT", $0)] } ?? [])
            + (session.groups.map { [("X-Samlgate-Groups", "SAMLGATE_GROUPS", $0.encoded)] } ?? [])
    }
}
