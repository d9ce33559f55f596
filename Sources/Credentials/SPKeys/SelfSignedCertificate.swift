internal import COpenSSL

/// Builds the self-signed X.509 v3 certificate that carries an SP's public key to its IdP.
///
/// IdPs read three things from it: the public key (to verify signed requests and to encrypt
/// assertions), the validity (some refuse expired certificates) and the key usage. The subject and
/// issuer are both `CN=commonName`; the serial is 128 random bits, so two certificates for one name
/// never share a serial. `notBefore` lies five minutes back so an IdP whose clock runs a little behind
/// accepts a certificate made a moment ago.
enum SelfSignedCertificate {
    /// Seconds `notBefore` lies before now.
    static let backdating = 300

    /// The DER certificate for `key`, signed by `key` with SHA-256, valid from five minutes ago for `days` days.
    static func make(for key: EVPKey, commonName: String, days: Int) throws(OpenSSLFailure) -> [UInt8] {
        let certificate = try OpenSSLFailure.check(X509_new(), "allocate a certificate")
        defer { X509_free(certificate) }
        try OpenSSLFailure.check(X509_set_version(certificate, Int(X509_VERSION_3)) == 1, "set the certificate version")
        try setRandomSerial(certificate)
        try OpenSSLFailure.check(
            X509_gmtime_adj(X509_getm_notBefore(certificate), -backdating) != nil, "set the certificate's notBefore")
        try OpenSSLFailure.check(
            X509_time_adj_ex(X509_getm_notAfter(certificate), Int32(days), 0, nil) != nil,
            "set the certificate's notAfter")
        try OpenSSLFailure.check(
            X509_set_pubkey(certificate, key.pointer) == 1, "put the public key in the certificate")
        let name = try OpenSSLFailure.check(X509_get_subject_name(certificate), "read the certificate's subject")
        let commonNameBytes = Array(commonName.utf8)
        try OpenSSLFailure.check(
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonNameBytes, Int32(commonNameBytes.count), -1, 0)
                == 1, "set the certificate's common name")
        try OpenSSLFailure.check(X509_set_issuer_name(certificate, name) == 1, "set the certificate's issuer")
        // An end-entity certificate, for signing requests and receiving encrypted keys: what IdPs expect.
        try addExtension(NID_basic_constraints, "critical,CA:FALSE", to: certificate)
        try addExtension(NID_key_usage, "critical,digitalSignature,keyEncipherment", to: certificate)
        try OpenSSLFailure.check(X509_sign(certificate, key.pointer, EVP_sha256()) > 0, "sign the certificate")
        return try OpenSSLFailure.check(DEREncoder.encode { i2d_X509(certificate, $0) }, "encode the certificate")
    }

    /// Sets a serial of 128 random bits; read as an unsigned big-endian number it is positive, and it is
    /// never zero (RFC 5280 section 4.1.2.2).
    private static func setRandomSerial(_ certificate: OpaquePointer) throws(OpenSSLFailure) {
        var bytes = SecureRandom.bytes(16)
        while bytes.allSatisfy({ $0 == 0 }) { bytes = SecureRandom.bytes(16) }
        let number = try OpenSSLFailure.check(BN_bin2bn(bytes, Int32(bytes.count), nil), "make a serial number")
        defer { BN_free(number) }
        try OpenSSLFailure.check(
            BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil, "set the serial number")
    }

    /// Adds one extension written in OpenSSL's configuration syntax.
    private static func addExtension(_ nid: Int32, _ value: String, to certificate: OpaquePointer)
        throws(OpenSSLFailure)
    {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate, certificate, nil, nil, 0)
        let fullName = "the certificate extension \(value)"
        let extensionObject = try OpenSSLFailure.check(
            X509V3_EXT_conf_nid(nil, &context, nid, value), "make \(fullName)")
        defer { X509_EXTENSION_free(extensionObject) }
        try OpenSSLFailure.check(X509_add_ext(certificate, extensionObject, -1) == 1, "add \(fullName)")
    }
}
