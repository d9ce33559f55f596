import Foundation
import TestSupport
import Testing

/// `samlgate sp-key …`, `account add` and `init` with the secret file: rollover, import, and the promise
/// that the database alone holds no private key.
@Suite(.timeLimit(.minutes(2)))
struct SPKeyCLITests {
    /// A database with account `acme` (and so its first SP key).
    static func acme() throws -> CLI {
        let cli = try CLI()
        let added = try cli.run("account", "add", "acme", "--base-url", "https://help.example.com")
        #expect(added.status == 0, "\(added.stderr)")
        return cli
    }

    static func keys(_ cli: CLI) throws -> [[String: Any]] {
        let result = try cli.run("sp-key", "list", "--account", "acme", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        return try result.json() as? [[String: Any]] ?? []
    }

    @Test func accountAddGivesOneActiveKeyWithACertificate() throws {
        let cli = try Self.acme()
        let keys = try Self.keys(cli)
        #expect(keys.count == 1)
        #expect(keys.first?["state"] as? String == "active")
        #expect((keys.first?["sha256"] as? String)?.count == 95)
        let cert = try cli.run("sp-key", "cert", "--account", "acme")
        #expect(cert.status == 0 && cert.stdout.hasPrefix("-----BEGIN CERTIFICATE-----\n"), "\(cert.stderr)")
        #expect(cert.stdout.hasSuffix("-----END CERTIFICATE-----\n"))

        let show = try cli.run("saml", "show", "--account", "acme", "--json")
        let report = try #require(try show.json() as? [String: Any])
        let shown = try #require(report["sp_keys"] as? [[String: Any]])
        #expect(shown.count == 1 && shown.first?["sha256"] as? String == keys.first?["sha256"] as? String)
        #expect(shown.first?["state"] as? String == "active" && shown.first?["expires_soon"] as? Bool == false)
        let text = try cli.run("saml", "show", "--account", "acme").stdout
        #expect(text.contains("SP keys:") && text.contains("1. active, SHA-256 "), "\(text)")
    }

    @Test func aKeyNearItsEndIsFlagged() throws {
        let cli = try Self.acme()
        #expect(try cli.run("sp-key", "add", "--account", "acme", "--days", "10").status == 0)
        let text = try cli.run("saml", "show", "--account", "acme").stdout
        #expect(text.contains("2. next, SHA-256 ") && text.contains("days: plan a rollover]"), "\(text)")
    }

    @Test func rolloverNextActiveRetired() throws {
        let cli = try Self.acme()
        let first = try #require(Self.keys(cli).first?["id"] as? Int)
        let add = try cli.run("sp-key", "add", "--account", "acme")
        #expect(add.status == 0 && add.stdout.contains("(next)"), "\(add.stderr)")
        let second = try #require(Self.keys(cli).first { $0["state"] as? String == "next" }?["id"] as? Int)

        let removeActive = try cli.run("sp-key", "remove", "--account", "acme", "--id", String(first))
        #expect(removeActive.status == 1 && removeActive.stderr.contains("active"), "\(removeActive.stderr)")
        let activateActive = try cli.run("sp-key", "activate", "--account", "acme", "--id", String(first))
        #expect(activateActive.status == 1, "\(activateActive.stdout)")

        let activate = try cli.run("sp-key", "activate", "--account", "acme", "--id", String(second))
        #expect(activate.status == 0, "\(activate.stderr)")
        let states = Dictionary(
            uniqueKeysWithValues: try Self.keys(cli).map { ($0["id"] as? Int ?? 0, $0["state"] as? String ?? "") })
        #expect(states == [first: "retired", second: "active"])

        let remove = try cli.run("sp-key", "remove", "--account", "acme", "--id", String(first))
        #expect(remove.status == 0, "\(remove.stderr)")
        #expect(try Self.keys(cli).count == 1)
    }

    /// The database file (and its WAL) holds no byte run of the private key, whatever form it took.
    // Reads the SQLite file itself.
    @Test(.enabled(if: TestDatabase.isSQLite)) func theDatabaseHoldsNoPrivateKeyMaterial() throws {
        let cli = try Self.acme()
        let keyFile = CLI.fixture("certificates/idp-rsa-key.pem")
        let imported = try cli.run(
            "sp-key", "add", "--account", "acme", "--import-key", keyFile, "--import-cert",
            CLI.fixture("certificates/idp-rsa-cert.pem"))
        #expect(imported.status == 0, "\(imported.stderr)")
        let pem = try String(contentsOfFile: keyFile, encoding: .utf8)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = try #require(Data(base64Encoded: body))
        // 64 bytes from inside the private exponent: past the modulus, which the certificate shows.
        let secretRun = [UInt8](der[(der.startIndex + 320)..<(der.startIndex + 384)])
        var stored: [UInt8] = []
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: cli.databasePath + suffix) { stored += data }
        }
        #expect(!stored.isEmpty)
        #expect(!Self.contains(stored, secretRun), "the private key is readable in the database")
        #expect(!Self.contains(stored, Array(body.prefix(64).utf8)), "the PEM text is in the database")
    }

    @Test func aWrongSecretFileIsRefusedAndAddsNothing() throws {
        let cli = try Self.acme()
        let other = cli.folder.appendingPathComponent("other").path
        let made = try cli.run(
            "init", "--db", other + ".db", db: false, environment: ["SAMLGATE_SECRET_FILE": other + ".key"])
        #expect(made.status == 0, "\(made.stderr)")
        let add = try cli.run("sp-key", "add", "--account", "acme", "--secret-file", other + ".key")
        #expect(add.status == 1)
        #expect(add.stderr.contains(other + ".key"), "\(add.stderr)")
        #expect(try Self.keys(cli).count == 1)
    }

    /// Keys sealed under one secret file are never joined by keys sealed under another, in any account.
    @Test func anotherAccountCannotBeAddedUnderAnotherSecretFile() throws {
        let cli = try Self.acme()
        let other = cli.folder.appendingPathComponent("other").path
        #expect(
            try cli.run(
                "init", "--db", other + ".db", db: false, environment: ["SAMLGATE_SECRET_FILE": other + ".key"]
            ).status == 0)
        let add = try cli.run(
            "account", "add", "beta", "--base-url", "https://beta.example.com", "--secret-file", other + ".key")
        #expect(add.status == 1 && add.stderr.contains(other + ".key"), "\(add.stderr)")
        #expect(!(try cli.run("account", "list").stdout.contains("beta")))
    }

    /// A lost secret file is reported, never replaced by a new one that would strand the stored keys.
    @Test func initRefusesToReplaceALostSecretFile() throws {
        let cli = try Self.acme()
        try FileManager.default.removeItem(atPath: cli.secretPath)
        let result = try cli.run("init")
        #expect(result.status == 1 && result.stderr.contains(cli.secretPath), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.secretPath))
    }

    @Test func aMissingSecretFileIsNamedAndNoAccountIsAdded() throws {
        let cli = try CLI()
        let missing = cli.folder.appendingPathComponent("nowhere/secret.key").path
        let add = try cli.run(
            "account", "add", "beta", "--base-url", "https://beta.example.com",
            environment: ["SAMLGATE_SECRET_FILE": missing])
        #expect(add.status == 1)
        #expect(add.stderr.contains(missing), "\(add.stderr)")
        #expect(!(try cli.run("account", "list").stdout.contains("beta")))
    }

    @Test func initCreatesTheSecretFileForItsOwnerOnly() throws {
        let cli = try CLI()
        var info = stat()
        #expect(stat(cli.secretPath, &info) == 0)
        #expect(info.st_mode & 0o077 == 0)
    }

    @Test func importRefusesAKeyThatIsNotTheCertificates() throws {
        let cli = try Self.acme()
        let result = try cli.run(
            "sp-key", "add", "--account", "acme", "--import-key", CLI.fixture("certificates/idp-rsa-key.pem"),
            "--import-cert", CLI.fixture("certificates/attacker-cert.pem"))
        #expect(result.status == 1, "\(result.stdout)")
        #expect(try Self.keys(cli).count == 1)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
