extension SignInHint {
    /// Okta: Admin Console → Applications → the app → General → SAML Settings, and its Sign On tab.
    static func okta(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let place = "Applications → your app → General → SAML Settings → Edit"
        let settings = "In Okta: \(place)"
        let advanced = "\(settings) → Show Advanced Settings"
        switch problem {
        case .audience:
            return "\(settings), set \"Audience URI (SP Entity ID)\" to \(provider.audienceURI)."
        case .recipient, .destination:
            return "\(settings), set \"Single sign on URL\" to \(provider.postbackURL) and keep \"Use this for "
                + "Recipient URL and Destination URL\" checked."
        case .nameIDFormat(let identity):
            return "Okta sent \(quoted(identity)) as the NameID: in \(place), set \"Name ID format\" to EmailAddress "
                + "and \"Application username\" to Email."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "Okta sent \(quoted(identity)), the app's \"Application username\" (the Okta username by "
                + "default): in \(place), set it to Email, or \(otherwise(problem))."
        case .sha1:
            return "\(advanced), set \"Signature Algorithm\" to RSA-SHA256 and \"Digest Algorithm\" to SHA256."
        case .untrustedKey:
            return "Okta signs with the app's active certificate (the app's Sign On tab → SAML Signing "
                + "Certificates): download it and add it here."
        case .missingSignature:
            return "\(advanced), set \"Assertion Signature\" to Signed."
        case .issuer(let sent?):
            return "Okta sent Issuer \"\(sent)\": set the IdP entity ID here to the app's "
                + "\"Identity Provider Issuer\" (Sign On tab → View SAML setup instructions), one per app."
        case .encryptionRequired:
            return "\(advanced), set \"Assertion Encryption\" to Encrypted and upload this account's SP certificate "
                + "as the \"Encryption Certificate\", or turn off \"Require encrypted assertions\" here."
        case .decryption:
            return "Okta encrypts to the \"Encryption Certificate\" in the app's SAML Settings (Show Advanced "
                + "Settings): upload the current SP certificate from \(provider.audienceURI)."
        case .idpInitiated:
            return "The sign-in started at the Okta dashboard tile: allow IdP-initiated sign-in here, or hide the tile "
                + "(General → App Settings → Application visibility) and send users to \(provider.loginURL)."
        case .groupsMissing, .groupOverage:
            return "\(settings), add a Group Attribute Statement named as the group attribute here, with a filter "
                + "that matches the required groups (such as Matches regex .*)."
        case .missingDestination, .disabledUser, .clock, .issuer(nil), .inResponseTo:
            return nil
        }
    }
}
