import Foundation
import TestSupport
import Testing

/// What the CLI prints from message-supplied values can neither forge a line nor pass for a verified
/// identity; the identities it accepts follow ACS rule 10 (`Identity`); the database it creates is private.
@Suite(.timeLimit(.minutes(2)))
struct CLIOutputSafetyTests {
    /// Writes a sign-in log row as an unsigned message would leave it (through python3's sqlite3, which
    /// the CLI tests have and the test target does not link).
    static func insertLogRow(_ cli: CLI, email: String, verified: Bool) throws {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            account = db.execute("SELECT id FROM account WHERE slug = 'acme'").fetchone()[0]
            db.execute("INSERT INTO signin_log (account_id, time, outcome, method, email, identity_verified, reason, "
                       "reference, failed_check) VALUES (?, 1800000000, 'rejected', 'saml', ?, ?, "
                       "'signature: neither the Assertion nor the Response is signed', 'SG-TEST000001', 'signature')",
                       (account, sys.argv[2], int(sys.argv[3])))
            db.commit()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, cli.databasePath, email, verified ? "1" : "0"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    // The log rows are written with python3's sqlite3: these two run on a SQLite store only (the log's own
    // rules are checked on both backends by the store and gateway tests).
    @Test(.enabled(if: TestDatabase.isSQLite)) func logTextEscapesControlsAndMarksClaimedIdentities() throws {
        let cli = try CLITests.acme()
        let forged =
            "mallory@evil.test\r\n2026-12-01T00:00:00Z\taccepted\towner@example.com\tSG-FORGED0001\u{85}\u{1B}[2J"
        try Self.insertLogRow(cli, email: forged, verified: false)
        let text = try cli.run("log", "--account", "acme")
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        // The row, and the hint for an unsigned response on its own indented line.
        #expect(lines.count == 2, "\(text.stdout.debugDescription)")
        #expect(lines.count == 2 && lines[1].hasPrefix("  hint: "), "\(text.stdout.debugDescription)")
        #expect(
            !text.stdout.unicodeScalars.contains {
                ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value)
            })
        #expect(text.stdout.contains(#"mallory@evil.test\r\n2026-12-01T00:00:00Z\taccepted\towner@example.com"#))
        #expect(text.stdout.contains("(claimed, not verified)"))
        // Six columns: the forged tabs are escaped, not separators.
        #expect(lines[0].split(separator: "\t").count == 6)
        #expect(lines[0].split(separator: "\t")[1] == "sign-in")

        let json = try #require(try cli.run("log", "--account", "acme", "--json").json() as? [[String: Any]])
        #expect(json.count == 1)
        #expect(json[0]["email"] is NSNull)
        #expect(json[0]["claimed_email"] as? String == forged)
        #expect(json[0]["event"] as? String == "sign_in")
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func aVerifiedIdentityIsShownPlainly() throws {
        let cli = try CLITests.acme()
        try Self.insertLogRow(cli, email: "alice@example.com", verified: true)
        let text = try cli.run("log", "--account", "acme").stdout
        #expect(text.contains("\talice@example.com\t") && !text.contains("claimed"))
        let json = try #require(try cli.run("log", "--account", "acme", "--json").json() as? [[String: Any]])
        #expect(json[0]["email"] as? String == "alice@example.com" && json[0]["claimed_email"] is NSNull)
    }

    @Test(arguments: ["kate@acme.test\u{00A0}", "kate@acme.test\u{2003}", "ka\u{85}te@acme.test"])
    func userAddRefusesWhitespaceAndControlsInsideAnEmail(email: String) throws {
        let cli = try CLITests.acme()
        let before = try cli.databaseSnapshot()
        let result = try cli.run("user", "add", "--account", "acme", "--email", email, "--role", "user")
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("samlgate: error: invalid email address"), "\(result.stderr)")
        #expect(result.stderr.contains("U+"), "the message names the invisible character")
        #expect(try cli.databaseSnapshot() == before)
    }

    @Test func kelvinSignIsAnotherUserNotKate() throws {
        let cli = try CLITests.acme()
        #expect(
            try cli.run("user", "add", "--account", "acme", "--email", "kate@acme.test", "--role", "user").status == 0)
        let kelvin = try cli.run(
            "user", "add", "--account", "acme", "--email", "\u{212A}ate@acme.test", "--role", "user")
        #expect(kelvin.status == 0, "a different identity, so not a duplicate: \(kelvin.stderr)")
        #expect(try cli.run("user", "disable", "--account", "acme", "--email", "\u{212A}ATE@acme.test").status == 0)
        let users = try #require(try cli.run("user", "list", "--account", "acme", "--json").json() as? [[String: Any]])
        let disabled = Dictionary(
            uniqueKeysWithValues: users.map { ($0["email"] as? String ?? "", $0["disabled"] as? Bool) })
        #expect(disabled["kate@acme.test"] == false, "ASCII folding only: the Kelvin sign is not a K")
        #expect(disabled["\u{212A}ate@acme.test"] == true)
    }

    @Test func logRetentionIsSetShownAndBounded() throws {
        let cli = try CLITests.acme()
        let shown = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(shown["log_retention"] as? Int == 7_776_000)
        #expect(try cli.run("saml", "set", "--account", "acme", "--log-retention", "86400").status == 0)
        let after = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(after["log_retention"] as? Int == 86_400)
        let refused = try cli.run("saml", "set", "--account", "acme", "--log-retention", "60")
        #expect(refused.status != 0 && refused.stderr.contains("sign-in log retention"))
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func initCreatesTheDatabaseForItsOwnerOnly() throws {
        let cli = try CLI()
        #expect(try cli.run("account", "add", "acme", "--base-url", "https://help.example.com").status == 0)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: cli.databasePath + suffix) {
            let mode = try #require(
                try FileManager.default.attributesOfItem(atPath: cli.databasePath + suffix)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(suffix): \(String(mode, radix: 8))")
        }
    }
}
