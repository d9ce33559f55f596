import Credentials
import Foundation
import XMLSecurity

/// The committed test key pairs (Tests/Fixtures/certificates), loaded once.
public enum TestKeys {
    public static func file(_ name: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/certificates/\(name)")
        guard let data = FileManager.default.contents(atPath: url.path) else { fatalError("missing fixture \(url.path)") }
        return [UInt8](data)
    }

    /// The DER of a PEM certificate fixture.
    public static func der(_ name: String) -> [UInt8] {
        guard let certificate = try? CertificateImporter.certificates(from: file(name)).first else {
            fatalError("fixture \(name) is not a certificate")
        }
        return certificate.der
    }

    public static func signingKey(_ prefix: String) -> SigningKey {
        do {
            try XMLSecurity.initialize()
            return try SigningKey(privateKeyPEM: file("\(prefix)-key.pem"), certificatePEM: file("\(prefix)-cert.pem"))
        } catch {
            fatalError("cannot load \(prefix) key: \(error)")
        }
    }

    public static let idpRSA = signingKey("idp-rsa")
    public static let idpEC = signingKey("idp-ec")
    public static let attacker = signingKey("attacker")
    public static let idpRSADER = der("idp-rsa-cert.pem")
    public static let idpECDER = der("idp-ec-cert.pem")
    public static let attackerDER = der("attacker-cert.pem")
}
