import Foundation
import TestSupport
import Testing

/// `samlgate log` says where the account's IdP fixes each refused sign-in: text as an indented `hint:`
/// line under the row, JSON as the `hint` key (null when there is none), worded for the IdP the settings
/// name when the log is read.
@Suite(.timeLimit(.minutes(2)))
struct LogCommandHintTests {
    /// One sign-in log row: time, event, outcome, reason, failed check, expected, actual.
    typealias Row = (
        time: Int, event: String, outcome: String, reason: String, check: String?, expected: String?,
        actual: String?
    )

    /// Writes rows as the gateway leaves them (through python3's sqlite3, which the CLI tests have and the
    /// test target does not link).
    static func insert(_ cli: CLI, _ rows: [Row]) throws {
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            account = db.execute("SELECT id FROM account WHERE slug = 'acme'").fetchone()[0]
            for row in json.loads(sys.argv[2]):
                db.execute("INSERT INTO signin_log (account_id, time, event, outcome, method, email, identity_verified, "
                           "reason, reference, failed_check, expected, actual) "
                           "VALUES (?, ?, ?, ?, 'saml', 'kate@acme.test', 1, ?, 'SG-TEST000001', ?, ?, ?)",
                           [account] + row)
            db.commit()
            """
        let values = rows.map { row -> [Any] in
            [
                row.time, row.event, row.outcome, row.reason, row.check ?? NSNull(), row.expected ?? NSNull(),
                row.actual ?? NSNull(),
            ]
        }
        let encoded = String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, cli.databasePath, encoded]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    static let audience = "https://help.example.com/sso/acme/metadata"

    /// Newest first: a refused audience, a refused sign-out, an accepted sign-in, Entra's group overage.
    static let rows: [Row] = [
        (
            1_800_000_400, "sign_in", "rejected", "audience: our Audience URI is not in the AudienceRestriction",
            "audience", audience, "spn:0f9e8d7c"
        ),
        (
            1_800_000_300, "sign_out", "rejected",
            "signature: the LogoutRequest query signature was made with a key that is not one of this account's "
                + "certificates",
            "signature", nil, nil
        ),
        (1_800_000_200, "sign_in", "accepted", "signed in", nil, nil, nil),
        (
            1_800_000_100, "sign_in", "rejected", "group: the user is in none of the required groups", "group",
            "helpdesk", "http://schemas.microsoft.com/claims/groups.link"
        ),
    ]

    // The rows are written with python3's sqlite3: SQLite stores only (the hints themselves are the SAML
    // module's, tested there; the page's on both backends by the gateway tests).
    @Test(.enabled(if: TestDatabase.isSQLite)) func jsonHasAHintKeyBesideTheKeysItHad() throws {
        let cli = try CLITests.acme()
        let set = try cli.run(
            "saml", "set", "--account", "acme", "--sso-url",
            "https://login.microsoftonline.com/5b5c94c6-14cf-42da-85bc-4e08722b253b/saml2")
        #expect(set.status == 0, "\(set.stderr)")
        try Self.insert(cli, Self.rows)
        let json = try #require(try cli.run("log", "--account", "acme", "--json").json() as? [[String: Any]])
        #expect(json.count == 4)
        let keys: Set = [
            "time", "event", "outcome", "email", "claimed_email", "reason", "reference", "method", "failed_check",
            "expected", "actual", "clock_offset", "client_address", "hint",
        ]
        for entry in json { #expect(Set(entry.keys) == keys) }
        let audience = try #require(json.first?["hint"] as? String)
        #expect(audience.hasPrefix("In Entra: Enterprise applications"), "\(audience)")
        #expect(audience.contains("Identifier (Entity ID)") && audience.contains(Self.audience))
        #expect(json[1]["hint"] is NSNull, "a sign-out is not a sign-in")
        #expect(json[2]["hint"] is NSNull, "an accepted sign-in needs none")
        let overage = try #require(json[3]["hint"] as? String)
        #expect(overage.contains("Groups assigned to the application"), "\(overage)")

        // Read after the account moves to Okta, the same row is worded for Okta.
        #expect(
            try cli.run(
                "saml", "set", "--account", "acme", "--sso-url", "https://acme.okta.com/app/acme_helpdesk/exk1/sso/saml"
            ).status == 0)
        let moved = try #require(try cli.run("log", "--account", "acme", "--json").json() as? [[String: Any]])
        #expect((moved.first?["hint"] as? String)?.contains("Audience URI (SP Entity ID)") == true)
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func textPutsTheHintUnderItsRow() throws {
        let cli = try CLITests.acme()
        try Self.insert(cli, Self.rows)
        let text = try cli.run("log", "--account", "acme")
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "\(text.stdout)")
        #expect(lines.count == 6 && lines[0].contains("\tSG-TEST000001\taudience: "), "\(text.stdout)")
        // No SSO URL is set: the generic wording, with the account's Audience URI.
        #expect(lines.count == 6 && lines[1] == "  hint: " + Self.genericAudience, "\(text.stdout)")
        #expect(lines.count == 6 && !lines[2].hasPrefix("  ") && !lines[3].hasPrefix("  "), "\(text.stdout)")
        #expect(lines.count == 6 && lines[5].hasPrefix("  hint: The user is in more than 150 groups"), "\(text.stdout)")
    }

    static let genericAudience = "In the IdP's app for this service, set the SP entity ID (Audience) to \(audience)."
}
