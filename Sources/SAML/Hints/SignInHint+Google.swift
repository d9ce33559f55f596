extension SignInHint {
    /// Google Workspace: Admin console → Apps → Web and mobile apps → the app.
    static func google(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let place = "Apps → Web and mobile apps → your app"
        let app = "In the Google Admin console: \(place)"
        let details = "\(app) → Service provider details"
        switch problem {
        case .audience:
            return "\(details), set \"Entity ID\" to \(provider.audienceURI)."
        case .recipient, .destination:
            return "\(details), set \"ACS URL\" to \(provider.postbackURL)."
        case .nameIDFormat(let identity):
            return
                "Google sent \(quoted(identity)) as the NameID: in \(place) → Service provider details, set \"Name ID format\" to EMAIL and "
                + "\"Name ID\" to Basic Information > Primary email."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "Google sent \(quoted(identity)), the app's \"Name ID\" (the primary email by default): change it "
                + "in \(place) → Service provider details, or \(otherwise(problem))."
        case .sha1:
            return "Google Workspace has no setting for the signature algorithm: check that the SSO URL and "
                + "certificate here are the ones in the app's Google Identity Provider details."
        case .untrustedKey:
            return "Google signs with the certificate in the app's Google Identity Provider details (\(place) → "
                + "Download metadata): add it here."
        case .missingSignature:
            return "Google signs every assertion (and the whole response with \"Signed response\" in Service "
                + "provider details), so an unsigned one did not come from this app: check the SSO URL here."
        case .issuer(let sent?):
            return "Google sent Issuer \"\(sent)\": set the IdP entity ID here to the "
                + "\"Entity ID\" in the app's Google Identity Provider details (https://accounts.google.com/o/saml2"
                + "?idpid=…)."
        case .encryptionRequired:
            return "Google Workspace's SAML apps do not encrypt assertions: turn off \"Require encrypted assertions\" "
                + "here."
        case .idpInitiated:
            return "The sign-in started from Google's app launcher: allow IdP-initiated sign-in here, or send users "
                + "to \(provider.loginURL)."
        case .groupsMissing, .groupOverage:
            return "\(app) → SAML attribute mapping, under \"Group membership\" add the required groups with the "
                + "group attribute's name here as the app attribute."
        case .missingDestination, .disabledUser, .clock, .issuer(nil), .decryption, .inResponseTo:
            return nil
        }
    }
}
