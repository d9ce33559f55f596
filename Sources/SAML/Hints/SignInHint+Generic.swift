extension SignInHint {
    /// The wording for any IdP: the setting named by what SAML calls it, which every console shows
    /// under one name or another; also the problems whose fix is the same whatever the IdP.
    static func generic(_ problem: SignInProblem, family: IdentityProviderFamily, _ provider: ServiceProvider)
        -> String
    {
        // "the IdP" inside a sentence, "The IdP" at its start.
        let idp = family == .unknown ? "the IdP" : family.displayName
        let idpAtStart = family == .unknown ? "The IdP" : family.displayName
        switch problem {
        case .audience:
            return "In \(idp)'s app for this service, set the SP entity ID (Audience) to \(provider.audienceURI)."
        case .recipient, .destination:
            return "In \(idp)'s app for this service, set the Assertion Consumer Service (ACS, reply or single "
                + "sign-on) URL to \(provider.postbackURL)."
        case .missingDestination:
            return
                "\(idpAtStart) signed the Response without a Destination: have it include one (\(provider.postbackURL)) "
                + "or sign only the Assertion."
        case .nameIDFormat(let identity):
            return "\(idpAtStart) sent \(quoted(identity)), which is not an email address: set its NameID format to "
                + "emailAddress with the user's email as the value, or send an email attribute."
        case .unknownUser(let identity):
            return
                "\(idpAtStart) sent \(quoted(identity)): add the user here with that address, or make \(idp) send the "
                + "address the user has here (as the NameID or an email attribute)."
        case .disabledUser(let identity):
            return "The user \(quoted(identity)) is disabled here; enable them (samlgate user enable) if they "
                + "should sign in."
        case .sha1:
            return "\(idpAtStart) signs with SHA-1: set its signature and digest algorithms to SHA-256 (allowing SHA-1 "
                + "here weakens every sign-in)."
        case .untrustedKey:
            return "The message was signed with a key none of this account's certificates holds: add \(idp)'s "
                + "current signing certificate here (its metadata has it), keeping the old one during a rollover."
        case .missingSignature:
            return "Turn on assertion (or response) signing in \(idp)'s app for this service; samlgate accepts no "
                + "unsigned response."
        case .clock:
            let whose = family.isSelfHosted ? "this server's and the \(idp) server's clocks" : "this server's clock"
            return "Check \(whose) (NTP); the row shows how far our clock is from the IdP's IssueInstant."
        case .issuer(let sent):
            guard let sent else {
                return "\(idpAtStart) sent no Issuer: have it name itself, or clear the IdP entity ID here."
            }
            return
                "\(idpAtStart) sent Issuer \"\(sent)\": if that is your IdP, set the IdP entity ID here to exactly that "
                + "value."
        case .encryptionRequired:
            return "Have \(idp) encrypt assertions with this account's SP certificate (in its metadata at "
                + "\(provider.audienceURI)), or turn off \"Require encrypted assertions\" here."
        case .decryption:
            return "\(idpAtStart) encrypted to a key that is not this account's, or with an algorithm samlgate refuses "
                + "(the reason says which): give it the current SP certificate from \(provider.audienceURI)."
        case .inResponseTo:
            return "The response answers a sign-in request that is unknown, used or expired (a reused or slow "
                + "sign-in tab, or an old request answered); start again at \(provider.loginURL)."
        case .idpInitiated:
            return "The sign-in started at \(idp) (its app tile or portal): allow IdP-initiated sign-in here, or have "
                + "users start at \(provider.loginURL)."
        case .emailDomain(let identity):
            return "\(idpAtStart) sent \(quoted(identity)), outside the allowed email domains: have it send the user's "
                + "address in an allowed domain, or allow that domain here."
        case .groupsMissing:
            return
                "\(idpAtStart) sent none of the required groups: have its app for this service send the user's groups "
                + "in the attribute set as the group attribute here, and check the user's memberships."
        case .groupOverage:
            return "The user is in more than 150 groups, so Entra sent a groups.link claim instead of the groups: "
                + "send \"Groups assigned to the application\" and assign the required groups to the app."
        }
    }
}
