extension SignInHint {
    /// Keycloak: the admin console → the realm → Clients → the client.
    static func keycloak(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let place = "Clients → your client"
        let client = "In Keycloak: \(place)"
        let signing = "\(client) → Settings → Signature and Encryption"
        switch problem {
        case .audience:
            return "\(client) → Settings, \"Client ID\" must be \(provider.audienceURI)."
        case .recipient, .destination:
            return "\(client): add \(provider.postbackURL) to \"Valid redirect URIs\", and set it as \"Assertion "
                + "Consumer Service POST Binding URL\" (Advanced → Fine Grain SAML Endpoint Configuration)."
        case .nameIDFormat(let identity):
            return "Keycloak sent \(quoted(identity)) as the NameID: in \(place) → Settings, set \"Name ID format\" "
                + "to email and turn on \"Force name ID format\"."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "Keycloak sent \(quoted(identity)), the user's username or email as the client's \"Name ID "
                + "format\" says: choose email there, or \(otherwise(problem))."
        case .sha1:
            return "\(signing), set \"Signature algorithm\" to RSA_SHA256."
        case .untrustedKey:
            return "Keycloak signs with the realm's active RSA key (Realm settings → Keys): copy its certificate, or "
                + "the realm's metadata at …/realms/{realm}/protocol/saml/descriptor, into the certificates here."
        case .missingSignature:
            return "\(signing), turn on \"Sign assertions\" (or \"Sign documents\")."
        case .issuer(let sent?):
            return "Keycloak sent Issuer \"\(sent)\": set the IdP entity ID here to the "
                + "realm's URL as the realm's SAML descriptor gives it (…/realms/{realm}; it follows the hostname "
                + "Keycloak is configured with)."
        case .encryptionRequired:
            return "\(client) → Keys, turn on \"Encrypt assertions\" and import this account's SP certificate, or turn "
                + "off \"Require encrypted assertions\" here."
        case .decryption:
            return "Keycloak encrypts to the certificate on the client's Keys tab: import the current SP certificate "
                + "from \(provider.audienceURI) there."
        case .idpInitiated:
            return "The sign-in used the client's \"IDP-Initiated SSO URL name\": allow IdP-initiated sign-in here, or "
                + "link users to \(provider.loginURL) (the client's \"Home URL\")."
        case .groupsMissing, .groupOverage:
            return "\(client) → Client scopes → the dedicated scope → Add mapper \"Group list\", named as the group "
                + "attribute here; turn off \"Full group path\" to send names without the leading /."
        case .missingDestination, .disabledUser, .issuer(nil), .clock, .inResponseTo:
            return nil
        }
    }
}
