internal import CXMLSec

/// One IdP signing certificate reduced to its public key: the single owner of an `xmlSecKeyPtr`.
///
/// `@unchecked Sendable` invariant: the key is created in `init`, never mutated afterwards and freed
/// only in `deinit`. Verifications on any thread only *duplicate* it (`xmlSecKeyDuplicate` reads the
/// key and takes an atomic OpenSSL reference), and each xmlsec context frees its own duplicate.
/// The key deliberately holds no certificate: a certificate-bearing key would copy the certificate
/// with every per-verification duplicate, and the pinned key is all verification needs.
public final class TrustedKey: @unchecked Sendable {
    private let key: xmlSecKeyPtr

    /// SHA-256 of the certificate DER, upper-case hex pairs joined by colons (``CertificateFingerprint``).
    public let sha256Fingerprint: String
    /// RSA or EC: decides which signature algorithms this key can verify.
    public let family: KeyFamily
    /// The key size in bits (e.g. 2048 for RSA-2048, 256 for P-256).
    public let bits: Int

    /// Loads the public key of one DER X.509 certificate.
    ///
    /// The certificate is pinned, not validated: SAML trusts exactly the certificates an admin
    /// configured, whatever their issuer or expiry (expiry is shown to admins, not enforced here).
    /// - Throws: `XMLSecurityError.invalidKey` when the bytes are not a certificate with an RSA or EC key.
    public init(certificateDER der: [UInt8]) throws(XMLSecurityError) {
        try XMLSecurity.requireInitialized()
        let loaded = try KeyLoading.load(der, format: xmlSecKeyDataFormatCertDer, expected: "a DER X.509 certificate")
        defer { xmlSecKeyDestroy(loaded) }
        guard let value = xmlSecKeyGetValue(loaded) else { throw .invalidKey("the certificate has no public key") }
        guard let family = KeyLoading.family(of: value) else {
            throw .invalidKey("the certificate's key is neither RSA nor EC")
        }
        self.family = family
        guard let publicOnly = Self.keyHolding(copyOf: value) else {
            throw .invalidKey("could not copy the certificate's public key")
        }
        key = publicOnly
        bits = xmlSecOpenSSLEvpKeyDataGetEvp(value).map { Int(EVP_PKEY_get_bits($0)) } ?? 0
        sha256Fingerprint = CertificateFingerprint.sha256(ofDER: der)
    }

    deinit {
        xmlSecKeyDestroy(key)
    }

    /// A fresh copy for one xmlsec context, which frees it (`xmlSecDSigCtxDestroy` frees `signKey`).
    func duplicate() -> xmlSecKeyPtr? {
        xmlSecKeyDuplicate(key)
    }

    private static func keyHolding(copyOf value: xmlSecKeyDataPtr) -> xmlSecKeyPtr? {
        guard let copy = xmlSecKeyDataDuplicate(value) else { return nil }
        guard let key = xmlSecKeyCreate() else {
            xmlSecKeyDataDestroy(copy)
            return nil
        }
        guard xmlSecKeySetValue(key, copy) >= 0 else {
            xmlSecKeyDataDestroy(copy)
            xmlSecKeyDestroy(key)
            return nil
        }
        return key
    }
}
