internal import COpenSSL

/// An OpenSSL private key (`EVP_PKEY`), freed when this, its one owner, goes away.
///
/// Only ``SPKeyMaterial`` uses it, to check and re-encode keys; what leaves the module is DER and PEM.
final class EVPKey {
    let pointer: OpaquePointer

    private init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// A fresh RSA key of `bits` bits (public exponent 65537, OpenSSL's default).
    static func generateRSA(bits: Int) throws(OpenSSLFailure) -> EVPKey {
        let context = try OpenSSLFailure.check(EVP_PKEY_CTX_new_from_name(nil, "RSA", nil), "set up RSA key generation")
        defer { EVP_PKEY_CTX_free(context) }
        try OpenSSLFailure.check(EVP_PKEY_keygen_init(context) == 1, "set up RSA key generation")
        try OpenSSLFailure.check(EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1, "set the RSA key size")
        var key: OpaquePointer?
        try OpenSSLFailure.check(EVP_PKEY_generate(context, &key) == 1, "generate an RSA key")
        return EVPKey(taking: try OpenSSLFailure.check(key, "generate an RSA key"))
    }

    /// Reads a PKCS#8 `PrivateKeyInfo`, refusing trailing bytes.
    convenience init(pkcs8DER der: [UInt8]) throws(OpenSSLFailure) {
        let info: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, buffer.count) else { return nil }
            guard let base = buffer.baseAddress, cursor == base + buffer.count else {
                PKCS8_PRIV_KEY_INFO_free(info)
                return nil
            }
            return info
        }
        let parsed = try OpenSSLFailure.check(info, "read the PKCS#8 private key")
        defer { PKCS8_PRIV_KEY_INFO_free(parsed) }
        self.init(taking: try OpenSSLFailure.check(EVP_PKCS82PKEY(parsed), "read the PKCS#8 private key"))
    }

    /// Reads one unencrypted PEM private key (PKCS#8 or PKCS#1).
    ///
    /// The passphrase callback refuses at once: without it OpenSSL would prompt on the terminal, which
    /// would hang a server and surprise a script.
    convenience init(pem: [UInt8]) throws(OpenSSLFailure) {
        let key: OpaquePointer? = pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        self.init(taking: try OpenSSLFailure.check(key, "read the private key"))
    }

    /// Whether this is a plain RSA key (`rsaEncryption`, the type xmlsec signs and decrypts with).
    var isRSA: Bool { EVP_PKEY_get_base_id(pointer) == EVP_PKEY_RSA }

    /// The key size in bits.
    var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    /// OpenSSL's short name for the key's algorithm, e.g. `EC`.
    var algorithmName: String {
        if let name = EVP_PKEY_get0_type_name(pointer) { return String(cString: name) }
        if let name = OBJ_nid2sn(EVP_PKEY_get_base_id(pointer)) { return String(cString: name) }
        return "unknown"
    }

    /// The key as PKCS#8 `PrivateKeyInfo` DER, whatever form it was read from.
    func pkcs8DER() throws(OpenSSLFailure) -> [UInt8] {
        let info = try OpenSSLFailure.check(EVP_PKEY2PKCS8(pointer), "encode the private key as PKCS#8")
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        return try OpenSSLFailure.check(
            DEREncoder.encode { i2d_PKCS8_PRIV_KEY_INFO(info, $0) }, "encode the private key")
    }

    /// Whether the certificate in `certificateDER` holds this key's public half.
    func matches(certificateDER: [UInt8]) -> Bool {
        let matched = certificateDER.withUnsafeBufferPointer { buffer -> Bool in
            var cursor = buffer.baseAddress
            guard let certificate = d2i_X509(nil, &cursor, buffer.count) else { return false }
            defer { X509_free(certificate) }
            guard let publicKey = X509_get0_pubkey(certificate) else { return false }
            return EVP_PKEY_eq(pointer, publicKey) == 1
        }
        ERR_clear_error()
        return matched
    }
}
