internal import CXMLSec

/// How an `EncryptedKey` carries the content key to us: RSA-OAEP, the only key transport accepted.
///
/// RSA-1.5 is refused (its padding oracle recovers keys, Bleichenbacher 1998 and the XML Encryption
/// attacks of 2012), and key wrap is refused because SAML IdPs encrypt to the SP's public key. The
/// OAEP digest is checked here rather than left to xmlsec, so a digest the linked xmlsec cannot do is
/// refused with its name instead of a generic failure.
enum KeyTransportAlgorithm {
    /// `rsa-oaep-mgf1p` with SHA-1 as OAEP digest and MGF1-SHA1: what Okta, ADFS, Entra, Keycloak,
    /// Shibboleth and PingFederate send.
    case rsaOAEPMGF1P

    static let rsaOAEPMGF1PURI = XMLNamespace.xmlEnc + "rsa-oaep-mgf1p"
    static let rsaOAEPURI = XMLNamespace.xmlEnc11 + "rsa-oaep"

    /// The xmlsec transform that decrypts the key: the only one the key context enables.
    var transformID: xmlSecTransformId { xmlSecOpenSSLTransformRsaOaepGetKlass() }

    /// Checks an EncryptedKey's `EncryptionMethod` (algorithm and its parameters).
    static func inspect(_ method: LibXMLElement?) -> Result<Self, DecryptionFailure> {
        guard let method, let uri = method.attribute("Algorithm") else {
            return .failure(.structure("an EncryptedKey has no EncryptionMethod Algorithm"))
        }
        switch uri {
        case rsaOAEPMGF1PURI:
            break
        case rsaOAEPURI:
            return .failure(
                .unsupportedAlgorithm(
                    uri: uri,
                    reason: "xmlenc 1.1 RSA-OAEP needs xmlsec 1.3 (this samlgate is linked with \(linkedVersion)); "
                        + "ask the IdP for rsa-oaep-mgf1p"))
        case XMLNamespace.xmlEnc + "rsa-1_5":
            return .failure(.refusedAlgorithm(uri: uri, reason: "RSA-1.5 key transport is vulnerable; use RSA-OAEP"))
        default:
            let wrap = uri.contains("#kw-")
            return .failure(
                .refusedAlgorithm(
                    uri: uri,
                    reason: wrap
                        ? "key wrap is not accepted; the IdP must encrypt to the SP certificate with RSA-OAEP"
                        : "not a key transport samlgate accepts (RSA-OAEP)"))
        }
        for child in method.childElements {
            if child.hasName(DSig.digestMethod) {
                let digest = child.attribute("Algorithm")
                guard digest == XEnc.sha1 else {
                    return .failure(
                        .unsupportedAlgorithm(
                            uri: digest ?? "(none)",
                            reason: "rsa-oaep-mgf1p with this OAEP digest needs xmlsec 1.3 (this samlgate is linked "
                                + "with \(linkedVersion)); ask the IdP for the default SHA-1 OAEP digest"))
                }
            } else if !child.hasName(XEnc.oaepParams) {
                return .failure(.structure("unexpected \(child.name) in an EncryptedKey's EncryptionMethod"))
            }
        }
        return .success(.rsaOAEPMGF1P)
    }

    /// The xmlsec version these headers describe, for refusals that depend on it.
    static let linkedVersion = "xmlsec " + String(cString: CXMLSec_version())
}
