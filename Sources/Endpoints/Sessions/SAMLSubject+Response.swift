import SAML
import Store

extension SAMLSubject {
    /// What a verified Response says about the user at the IdP: its NameID as sent and its SessionIndex.
    init(_ response: VerifiedResponse) {
        let name = response.nameIdentifier
        self.init(
            nameID: name.value, format: name.format, nameQualifier: name.nameQualifier,
            spNameQualifier: name.spNameQualifier, sessionIndex: response.sessionIndex)
    }

    /// The NameID to name in a LogoutRequest.
    var nameIdentifier: NameIdentifier {
        NameIdentifier(value: nameID, format: format, nameQualifier: nameQualifier, spNameQualifier: spNameQualifier)
    }
}
