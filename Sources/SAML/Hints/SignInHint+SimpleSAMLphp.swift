extension SignInHint {
    /// SimpleSAMLphp: the SP's entry in `metadata/saml20-sp-remote.php` and the IdP's in
    /// `metadata/saml20-idp-hosted.php` (it has no console).
    static func simplesamlphp(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let sp = "the SP's entry in metadata/saml20-sp-remote.php"
        switch problem {
        case .audience:
            return "SimpleSAMLphp uses the SP's entity ID as the audience: the key of \(sp) must be "
                + "\(provider.audienceURI)."
        case .recipient, .destination:
            return "Set AssertionConsumerService in \(sp) to \(provider.postbackURL)."
        case .nameIDFormat(let identity):
            return "SimpleSAMLphp sent \(quoted(identity)) as the NameID: release the user's email attribute to this "
                + "SP, or set NameIDFormat to emailAddress in \(sp) with a NameID taken from the email attribute."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "SimpleSAMLphp sent \(quoted(identity)), from its authentication source: send the address the "
                + "user has here, or \(otherwise(problem))."
        case .sha1:
            return "Set 'signature.algorithm' to http://www.w3.org/2001/04/xmldsig-more#rsa-sha256 in \(sp) (or in "
                + "metadata/saml20-idp-hosted.php)."
        case .untrustedKey:
            return "SimpleSAMLphp signs with the certificate named in metadata/saml20-idp-hosted.php (in its cert/ "
                + "folder): add that certificate here."
        case .missingSignature:
            return "SimpleSAMLphp signs the assertion unless 'saml20.sign.assertion' is false in \(sp): set it to true."
        case .issuer(let sent?):
            return "SimpleSAMLphp sent Issuer \"\(sent)\": set the IdP entity ID here to the "
                + "entity ID of metadata/saml20-idp-hosted.php (by default …/saml2/idp/metadata.php)."
        case .encryptionRequired:
            return "Set 'assertion.encryption' => true in \(sp), with this account's SP certificate, or turn off "
                + "\"Require encrypted assertions\" here."
        case .decryption:
            return "SimpleSAMLphp encrypts to the certificate in \(sp): replace it with the current SP certificate "
                + "from \(provider.audienceURI)."
        case .idpInitiated:
            return "The sign-in started at SimpleSAMLphp (an IdP-initiated link): allow IdP-initiated sign-in here, "
                + "or link users to \(provider.loginURL)."
        case .groupsMissing, .groupOverage:
            return "Have the authentication source provide the group attribute, and release it in \(sp) (its "
                + "'attributes' list, when it has one)."
        case .missingDestination, .disabledUser, .issuer(nil), .clock, .inResponseTo:
            return nil
        }
    }
}
