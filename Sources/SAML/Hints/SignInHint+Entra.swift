extension SignInHint {
    /// Microsoft Entra ID: the Entra admin center, Enterprise applications → the app → Single sign-on.
    static func entra(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let place = "Enterprise applications → your app → Single sign-on"
        let app = "In Entra: \(place)"
        switch problem {
        case .audience:
            return "\(app) → Basic SAML Configuration, set \"Identifier (Entity ID)\" to \(provider.audienceURI) "
                + "and mark it Default."
        case .recipient, .destination:
            return "\(app) → Basic SAML Configuration, set \"Reply URL (Assertion Consumer Service URL)\" to "
                + "\(provider.postbackURL) and mark it Default."
        case .nameIDFormat(let identity):
            return "Entra sent \(quoted(identity)) as the Name ID: in \(place) → Attributes & Claims, set \"Unique "
                + "User Identifier (Name ID)\" to user.mail with the Email address format."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "Entra sent \(quoted(identity)): it sends user.mail as the email claim and the user principal "
                + "name as the Name ID, so fix the claims in \(place) → Attributes & Claims, or "
                + "\(otherwise(problem))."
        case .sha1:
            return "\(app) → SAML Certificates → Edit, set \"Signing Algorithm\" to SHA-256."
        case .untrustedKey:
            return "Entra signs with the app's Active certificate (\(place) → SAML Certificates): download "
                + "\"Certificate (Base64)\" and add it here, before making a new certificate Active there."
        case .missingSignature:
            return "Entra signs every response (\(place) → SAML Certificates → \"Signing Option\"), so an unsigned "
                + "one did not come from this app: check the SSO URL here."
        case .issuer(let sent?):
            return "Entra sent Issuer \"\(sent)\": set the IdP entity ID here to the app's "
                + "\"Microsoft Entra Identifier\" (\(place) → Set up), https://sts.windows.net/{tenant ID}/ with its "
                + "trailing slash."
        case .encryptionRequired:
            return "In Entra: Enterprise applications → your app → Security → Token encryption, import this "
                + "account's SP certificate and activate it, or turn off \"Require encrypted assertions\" here."
        case .decryption:
            return "Entra encrypts to the certificate active under Enterprise applications → your app → Security → "
                + "Token encryption: import the current SP certificate from \(provider.audienceURI) and activate it."
        case .idpInitiated:
            return "The sign-in started at My Apps: in \(place) → Basic SAML Configuration, set \"Sign on URL\" to "
                + "\(provider.loginURL) so the tile starts here, or allow IdP-initiated sign-in."
        case .groupsMissing:
            return "\(app) → Attributes & Claims → Add a group claim; its values are group object IDs unless you "
                + "choose another source attribute. A user in more than 150 groups gets a groups.link claim instead: "
                + "then choose \"Groups assigned to the application\"."
        case .groupOverage:
            return "The user is in more than 150 groups, so Entra sent a groups.link claim instead of the groups: "
                + "in \(place) → Attributes & Claims, edit the group claim to send \"Groups assigned to the "
                + "application\" and assign the required groups to the app (Users and groups)."
        case .missingDestination, .disabledUser, .clock, .issuer(nil), .inResponseTo:
            return nil
        }
    }
}
