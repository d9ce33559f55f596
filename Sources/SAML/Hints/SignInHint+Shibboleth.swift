extension SignInHint {
    /// Shibboleth IdP: its configuration files under the IdP's `conf/` folder (it has no console).
    static func shibboleth(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        switch problem {
        case .audience:
            return "Shibboleth uses the SP's entity ID as the audience: load this account's metadata from "
                + "\(provider.audienceURI) with a MetadataProvider in conf/metadata-providers.xml."
        case .recipient, .destination:
            return "Shibboleth answers at the AssertionConsumerService of the SP's metadata: reload this account's "
                + "metadata from \(provider.audienceURI), which lists \(provider.postbackURL)."
        case .nameIDFormat(let identity):
            return "Shibboleth sent \(quoted(identity)) (a transient NameID by default): release the mail attribute "
                + "to this SP in conf/attribute-filter.xml, or set nameIDFormatPrecedence to emailAddress for it in "
                + "conf/relying-party.xml with a generator in conf/saml-nameid.xml."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "Shibboleth sent \(quoted(identity)): the address comes from conf/attribute-resolver.xml and is "
                + "released by conf/attribute-filter.xml; send the one the user has here, or \(otherwise(problem))."
        case .sha1:
            return "Shibboleth signs with SHA-256 unless an override for this SP in conf/relying-party.xml selects a "
                + "SHA-1 security configuration: remove it."
        case .untrustedKey:
            return "Shibboleth signs with its signing credential (credentials/idp-signing.crt, see "
                + "conf/credentials.xml): add that certificate here."
        case .missingSignature:
            return "Shibboleth signs the Response unless signResponses is off for this SP in conf/relying-party.xml: "
                + "turn it (or signAssertions) on."
        case .issuer(let sent?):
            return "Shibboleth sent Issuer \"\(sent)\": set the IdP entity ID here to "
                + "idp.entityID from conf/idp.properties (usually https://{host}/idp/shibboleth)."
        case .encryptionRequired:
            return "Shibboleth encrypts for SPs whose metadata has an encryption certificate: load this account's "
                + "metadata from \(provider.audienceURI), and check encryptAssertions for it in conf/relying-party.xml."
        case .decryption:
            return "Shibboleth encrypts to the certificate in the SP's metadata: reload this account's metadata from "
                + "\(provider.audienceURI) after an SP key change."
        case .idpInitiated:
            return "The sign-in came from Shibboleth's unsolicited SSO endpoint (/idp/profile/SAML2/Unsolicited/SSO): "
                + "allow IdP-initiated sign-in here, or link users to \(provider.loginURL)."
        case .groupsMissing, .groupOverage:
            return
                "Release the group attribute (such as isMemberOf or memberOf, defined in conf/attribute-resolver.xml) "
                + "to this SP in conf/attribute-filter.xml."
        case .missingDestination, .disabledUser, .issuer(nil), .clock, .inResponseTo:
            return nil
        }
    }
}
