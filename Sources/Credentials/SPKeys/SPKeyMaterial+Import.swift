extension SPKeyMaterial {
    /// An existing key pair, from a PEM private key and its certificate (what `sp-key add --import-key
    /// --import-cert` reads).
    ///
    /// The key is an unencrypted RSA key of at least 2048 bits in PEM, PKCS#8 (`PRIVATE KEY`) or PKCS#1
    /// (`RSA PRIVATE KEY`); it is kept as PKCS#8. The certificate is one certificate in any form the
    /// certificate importer accepts (PEM, DER or bare base64). A key that does not belong to the
    /// certificate is refused, as the SPEC requires, and so is everything else with its own reason.
    public static func importing(keyPEM: [UInt8], certificatePEM: [UInt8]) throws(SPKeyError) -> SPKeyMaterial {
        let block = try PrivateKeyPEM.keyBlock(in: keyPEM)
        let key: EVPKey
        let privateKeyDER: [UInt8]
        do throws(OpenSSLFailure) {
            key = try EVPKey(pem: block)
            privateKeyDER = try key.pkcs8DER()
        } catch {
            throw .unreadablePrivateKey(reason: error.reason)
        }
        let certificates: [Certificate]
        do {
            certificates = try CertificateImporter.certificates(from: certificatePEM)
        } catch {
            throw .certificate(error)
        }
        guard let certificate = certificates.first else { throw .certificate(.unrecognisedFormat) }
        guard certificates.count == 1 else { throw .severalCertificates(count: certificates.count) }
        return try SPKeyMaterial(key: key, privateKeyDER: privateKeyDER, certificateDER: certificate.der)
    }
}
