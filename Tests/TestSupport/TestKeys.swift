import Credentials
import Foundation
@_spi(Testing) import XMLSecurity

/// The committed test key pairs (Tests/Fixtures/certificates), loaded once.
public enum TestKeys {
    /// The bytes of a fixture file under Tests/Fixtures/certificates; a missing file stops the test run.
    public static func file(_ name: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/certificates/\(name)")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            fatalError("missing fixture \(url.path)")
        }
        return [UInt8](data)
    }

    /// The DER of a PEM certificate fixture.
    public static func der(_ name: String) -> [UInt8] {
        guard let certificate = try? CertificateImporter.certificates(from: file(name)).first else {
            fatalError("fixture \(name) is not a certificate")
        }
        return certificate.der
    }

    /// The key pair `<prefix>-key.pem` + `<prefix>-cert.pem`, ready to sign with.
    @_spi(Testing) public static func signingKey(_ prefix: String) -> SigningKey {
        do {
            try XMLSecurity.initialize()
            return try SigningKey(privateKeyPEM: file("\(prefix)-key.pem"), certificatePEM: file("\(prefix)-cert.pem"))
        } catch {
            fatalError("cannot load \(prefix) key: \(error)")
        }
    }

    /// The test IdP's RSA key pair (the certificate the battery's accounts trust).
    @_spi(Testing) public static let idpRSA = signingKey("idp-rsa")
    /// The test IdP's ECDSA key pair.
    @_spi(Testing) public static let idpEC = signingKey("idp-ec")
    /// A key pair no account trusts: signatures made with it must be refused.
    @_spi(Testing) public static let attacker = signingKey("attacker")
    /// The DER of ``idpRSA``'s certificate.
    public static let idpRSADER = der("idp-rsa-cert.pem")
    /// The DER of ``idpEC``'s certificate.
    public static let idpECDER = der("idp-ec-cert.pem")
    /// The DER of ``attacker``'s certificate.
    public static let attackerDER = der("attacker-cert.pem")

    /// The SP key pair test IdPs encrypt to: certificate DER and loaded private key.
    public static let spDER = der("sp-rsa-cert.pem")
    /// ``spDER``'s private key, ready to decrypt with.
    public static let sp = decryptionKey("sp-rsa")
    /// A second SP key pair (a `next` key in rollover tests).
    public static let spNextDER = der("sp-next-cert.pem")
    /// ``spNextDER``'s private key.
    public static let spNext = decryptionKey("sp-next")

    /// The private key `<prefix>-key.pem`, ready to decrypt with.
    public static func decryptionKey(_ prefix: String) -> DecryptionKey {
        do {
            try XMLSecurity.initialize()
            return try DecryptionKey(privateKeyPEM: file("\(prefix)-key.pem"), label: prefix)
        } catch {
            fatalError("fixture \(prefix)-key.pem cannot be loaded: \(error)")
        }
    }
}
