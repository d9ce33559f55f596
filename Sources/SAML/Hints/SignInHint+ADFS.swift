extension SignInHint {
    /// AD FS: AD FS Management → Relying Party Trusts → the trust → Properties, and its Claim Issuance Policy.
    static func adfs(_ problem: SignInProblem, _ provider: ServiceProvider) -> String? {
        let trust = "In AD FS Management: Relying Party Trusts → your trust → Properties"
        let claims = "the trust's Claim Issuance Policy"
        switch problem {
        case .audience:
            return "\(trust) → Identifiers, add \(provider.audienceURI) as a relying party identifier."
        case .recipient, .destination:
            return "\(trust) → Endpoints, add a SAML Assertion Consumer endpoint with binding POST and trusted URL "
                + "\(provider.postbackURL), set as the default."
        case .nameIDFormat(let identity):
            return "AD FS sent \(quoted(identity)) as the NameID: in \(claims) add \"Send LDAP Attributes as Claims\" "
                + "(E-Mail-Addresses → E-Mail Address), then \"Transform an incoming claim\" E-Mail Address → Name ID "
                + "with the Email format."
        case .unknownUser(let identity), .emailDomain(let identity):
            return "AD FS sent \(quoted(identity)), as \(claims) makes it (from E-Mail-Addresses or "
                + "User-Principal-Name): send the address the user has here, or \(otherwise(problem))."
        case .sha1:
            return "\(trust) → Advanced, set the secure hash algorithm to SHA-256."
        case .untrustedKey:
            return "AD FS signs with its token-signing certificate (AD FS Management → Service → Certificates): "
                + "export the current one, and the secondary during a rollover, and add it here."
        case .missingSignature:
            return "AD FS signs every response (the trust's SamlResponseSignature chooses which part), so an "
                + "unsigned one did not come from this AD FS: check the SSO URL here."
        case .clock:
            return "Check the clocks of the AD FS server and this server (NTP); the trust's NotBeforeSkew "
                + "(Set-AdfsRelyingPartyTrust) allows for a small difference."
        case .issuer(let sent?):
            return "AD FS sent Issuer \"\(sent)\": set the IdP entity ID here to the "
                + "Federation Service Identifier (AD FS Management → Service → Edit Federation Service Properties), "
                + "usually http://{your AD FS host}/adfs/services/trust."
        case .encryptionRequired:
            return "\(trust) → Encryption, add this account's SP certificate (from \(provider.audienceURI)), or turn "
                + "off \"Require encrypted assertions\" here."
        case .decryption:
            return "AD FS encrypts to the certificate on the trust's Encryption tab: replace it with the current SP "
                + "certificate from \(provider.audienceURI)."
        case .groupsMissing, .groupOverage:
            return "Add a rule to \(claims): \"Send LDAP Attributes as Claims\" with Token-Groups - Unqualified Names "
                + "→ Group, or \"Send Group Membership as a Claim\" for one group."
        case .missingDestination, .disabledUser, .issuer(nil), .inResponseTo, .idpInitiated:
            return nil
        }
    }
}
