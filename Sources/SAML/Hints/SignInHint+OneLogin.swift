extension SignInHint {
    /// OneLogin: Administration → Applications → the app (a SAML Custom Connector), its Configuration,
    /// Parameters and SSO tabs.
    static func onelogin(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let place = "Applications → your app"
        let app = "In OneLogin: \(place)"
        switch problem {
        case .audience:
            return "\(app) → Configuration, set \"Audience (EntityID)\" to \(provider.audienceURI)."
        case .recipient, .destination:
            return "\(app) → Configuration, set \"Recipient\" and \"ACS (Consumer) URL\" to \(provider.postbackURL), "
                + "and let \"ACS (Consumer) URL Validator\" match it."
        case .nameIDFormat(let identity):
            return "OneLogin sent \(quoted(identity)) as the NameID: in \(place) → Configuration, set \"SAML "
                + "nameID format\" to Email, and on the Parameters tab make NameID value the user's email."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "OneLogin sent \(quoted(identity)), the Parameters tab's NameID value: make it the user's email "
                + "there, or \(otherwise(problem))."
        case .sha1:
            return "\(app) → SSO, set \"SAML Signature Algorithm\" to SHA-256."
        case .untrustedKey:
            return "OneLogin signs with the certificate chosen on the app's SSO tab (X.509 Certificate → View "
                + "Details): download it and add it here."
        case .missingSignature:
            return "\(app) → Configuration, set \"SAML signature element\" to Assertion or Both."
        case .issuer(let sent?):
            return "OneLogin sent Issuer \"\(sent)\": set the IdP entity ID here to the "
                + "\"Issuer URL\" on the app's SSO tab (it follows the Configuration tab's \"SAML issuer type\")."
        case .idpInitiated:
            return "The sign-in started at the OneLogin portal: in \(place) → Configuration, set \"SAML initiator\" to "
                + "Service Provider and \"Login URL\" to \(provider.loginURL), or allow IdP-initiated sign-in here."
        case .groupsMissing, .groupOverage:
            return "\(app) → Parameters, add a parameter named as the group attribute here (with the value User Roles) "
                + "with \"Include in SAML assertion\" and \"Multi-value parameter\" checked."
        case .missingDestination, .disabledUser, .issuer(nil), .clock, .encryptionRequired, .decryption, .inResponseTo:
            return nil
        }
    }
}
