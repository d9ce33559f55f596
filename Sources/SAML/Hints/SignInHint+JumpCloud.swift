extension SignInHint {
    /// JumpCloud: Admin Portal → SSO Applications → the app → SSO tab.
    static func jumpcloud(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let place = "SSO Applications → your app → SSO"
        let app = "In JumpCloud: \(place)"
        switch problem {
        case .audience:
            return "\(app), set \"SP Entity ID\" to \(provider.audienceURI)."
        case .recipient, .destination:
            return "\(app), set the ACS URL to \(provider.postbackURL)."
        case .nameIDFormat(let identity):
            return
                "JumpCloud sent \(quoted(identity)) as the NameID: in \(place), set \"SAMLSubject NameID\" to email and "
                + "\"SAMLSubject NameID Format\" to emailAddress."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "JumpCloud sent \(quoted(identity)), the app's \"SAMLSubject NameID\": make it email there, or "
                + "\(otherwise(problem))."
        case .sha1:
            return "\(app), set \"Signature Algorithm\" to RSA-SHA256."
        case .untrustedKey:
            return "JumpCloud signs with the app's IdP certificate (\(place) → IDP Certificate): download "
                + "it and add it here."
        case .issuer(let sent?):
            return "JumpCloud sent Issuer \"\(sent)\": set the IdP entity ID here to the "
                + "app's \"IdP Entity ID\" (\(place))."
        case .groupsMissing, .groupOverage:
            return "\(app), check \"include group attribute\" and name it as the group attribute here; the groups "
                + "sent are the user groups bound to the app."
        case .missingDestination, .disabledUser, .issuer(nil), .missingSignature, .clock, .encryptionRequired,
            .decryption,
            .inResponseTo, .idpInitiated:
            return nil
        }
    }
}
