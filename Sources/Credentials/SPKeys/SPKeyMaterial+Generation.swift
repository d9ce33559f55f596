extension SPKeyMaterial {
    /// A fresh RSA key of `bits` bits (2048, 3072 or 4096) with a self-signed certificate for
    /// `commonName`, valid from five minutes ago for `days` days.
    ///
    /// What `samlgate account add` and `sp-key add` make: the certificate only carries the public key to
    /// the IdP, so self-signed is what SAML deployments expect, and its expiry is shown so the key can be
    /// rolled over in time.
    public static func generate(bits: Int, days: Int, commonName: String) throws(SPKeyError) -> SPKeyMaterial {
        guard generatedKeyBits.contains(bits) else { throw .unsupportedKeySize(bits: bits) }
        guard (1...maximumValidityDays).contains(days) else { throw .unsupportedValidity(days: days) }
        // X.520 bounds a common name at 64 characters.
        guard (1...64).contains(commonName.unicodeScalars.count),
            !commonName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .invalidCommonName(commonName) }
        let key: EVPKey
        let privateKeyDER: [UInt8]
        let certificateDER: [UInt8]
        do throws(OpenSSLFailure) {
            key = try EVPKey.generateRSA(bits: bits)
            privateKeyDER = try key.pkcs8DER()
            certificateDER = try SelfSignedCertificate.make(for: key, commonName: commonName, days: days)
        } catch {
            throw SPKeyError(error)
        }
        return try SPKeyMaterial(key: key, privateKeyDER: privateKeyDER, certificateDER: certificateDER)
    }
}
