internal import CXMLSec

/// A private key (and optionally its certificate) for producing signatures: the single owner of an
/// `xmlSecKeyPtr`.
///
/// `@unchecked Sendable` invariant: created in `init`, never mutated, freed in `deinit`; each signing
/// operation duplicates it for its own xmlsec context.
public final class SigningKey: @unchecked Sendable {
    private let key: xmlSecKeyPtr

    /// RSA or EC: decides which `SignatureAlgorithm`s can be used with it.
    public let family: KeyFamily
    /// True when a certificate was loaded, so signatures can carry it in `KeyInfo/X509Data`.
    public let hasCertificate: Bool

    /// Loads a PEM private key (PKCS#1, SEC1 or PKCS#8, unencrypted) and optionally a PEM certificate.
    /// - Throws: `XMLSecurityError.invalidKey` when either cannot be read.
    public init(privateKeyPEM: [UInt8], certificatePEM: [UInt8]? = nil) throws(XMLSecurityError) {
        try XMLSecurity.requireInitialized()
        let loaded = try KeyLoading.load(privateKeyPEM, format: xmlSecKeyDataFormatPem, expected: "a PEM private key")
        guard let value = xmlSecKeyGetValue(loaded), let family = KeyLoading.family(of: value) else {
            xmlSecKeyDestroy(loaded)
            throw .invalidKey("the private key is neither RSA nor EC")
        }
        if let certificatePEM {
            let (status, certMessages) = XMLSecErrorLog.capturing {
                certificatePEM.withUnsafeBufferPointer { buffer in
                    xmlSecOpenSSLAppKeyCertLoadMemory(
                        loaded, buffer.baseAddress, CXMLSec_Size(buffer.count), xmlSecKeyDataFormatPem)
                }
            }
            guard status >= 0 else {
                xmlSecKeyDestroy(loaded)
                throw .invalidKey("not a PEM certificate (\(certMessages.first ?? "xmlsec could not read it"))")
            }
        }
        self.key = loaded
        self.family = family
        self.hasCertificate = certificatePEM != nil
    }

    deinit {
        xmlSecKeyDestroy(key)
    }

    /// A fresh copy for one xmlsec context, which frees it.
    func duplicate() -> xmlSecKeyPtr? {
        xmlSecKeyDuplicate(key)
    }
}
