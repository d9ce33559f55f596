import Foundation
import FoundationXML
import TestSupport
import Testing

/// The admin CLI, run as a separate process on a temporary database: outputs, exit codes, error lines.
@Suite(.timeLimit(.minutes(2)))
struct CLITests {
    /// A database with account `acme` and its owner.
    static func acme() throws -> CLI {
        let cli = try CLI()
        #expect(
            try cli.run("account", "add", "acme", "--base-url", "https://help.example.com", "--name", "Acme Help")
                .status == 0)
        let owner = try cli.run(
            "user", "add", "--account", "acme", "--email", "Owner@Example.com", "--role", "owner", "--given-name",
            "Olive",
            "--family-name", "Owner", "--password-stdin", stdin: "a long passphrase\n")
        #expect(owner.status == 0, "\(owner.stderr)")
        return cli
    }

    // SQLite: the file and its migration list; a PostgreSQL store has its own (PostgresStoreTests).
    @Test(.enabled(if: TestDatabase.isSQLite)) func initCreatesThenReportsUpToDate() throws {
        let cli = try CLI(initialise: false)
        let first = try cli.run("init")
        #expect(first.status == 0)
        #expect(first.stdout.contains("0001-initial-schema") && first.stdout.contains("0002-settings-version"))
        let second = try cli.run("init")
        #expect(second.status == 0 && second.stdout.contains("up to date"))
    }

    @Test func initCreatesMissingParentFolders() throws {
        let cli = try CLI(initialise: false)
        let nested = cli.folder.appendingPathComponent("a/b/samlgate.db").path
        let result = try cli.run("init", "--db", nested, db: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: nested))
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func commandsOnAMissingDatabaseFailClearly() throws {
        let cli = try CLI(initialise: false)
        let result = try cli.run("account", "list")
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "samlgate: error: no samlgate database at \(cli.databasePath) (create it with: samlgate init --db \(cli.databasePath))\n"
        )
        #expect(!FileManager.default.fileExists(atPath: cli.databasePath))
    }

    @Test func databasePathFromEnvironment() throws {
        let cli = try CLI()
        let result = try cli.run("account", "list", "--json", db: false, environment: ["SAMLGATE_DB": cli.databasePath])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func accountAddShowsTheTwoURLsAndListsAsJSON() throws {
        let cli = try Self.acme()
        let added = try cli.run("account", "add", "beta", "--base-url", "https://example.com/helpdesk")
        #expect(added.stdout.contains("https://example.com/helpdesk/sso/beta/acs"))
        #expect(added.stdout.contains("https://example.com/helpdesk/sso/beta/metadata"))
        let list = try #require(try cli.run("account", "list", "--json").json() as? [[String: Any]])
        #expect(list.count == 2)
        #expect(Set(list[0].keys) == ["slug", "name", "base_url"])
        #expect(list[0]["slug"] as? String == "acme" && list[0]["name"] as? String == "Acme Help")
        #expect(list[1]["name"] as? String == "beta")
    }

    @Test func duplicateSlugIsRefusedAndNothingChanges() throws {
        let cli = try Self.acme()
        let before = try cli.databaseSnapshot()
        let result = try cli.run("account", "add", "acme", "--base-url", "https://other.example.com")
        #expect(result.status == 1)
        #expect(result.stderr == "samlgate: error: an account with slug 'acme' already exists\n")
        #expect(try cli.databaseSnapshot() == before)
    }

    @Test(arguments: [
        (["account", "add", "Bad_Slug", "--base-url", "https://x.example"], "invalid account slug 'Bad_Slug'"),
        (["account", "add", "ok", "--base-url", "https://x.example/"], "remove the trailing slash"),
        (["user", "list", "--account", "nope"], "no account with slug 'nope'"),
        (["saml", "show", "--account", "nope"], "no account with slug 'nope'"),
        (["user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "user"], "already exists"),
        (
            ["user", "add", "--account", "acme", "--email", "second@example.com", "--role", "owner"],
            "already has an owner"
        ),
        (["user", "add", "--account", "acme", "--email", "not-an-email", "--role", "user"], "invalid email address"),
        (["user", "remove", "--account", "acme", "--email", "owner@example.com"], "the owner cannot be removed"),
        (["user", "disable", "--account", "acme", "--email", "owner@example.com"], "cannot be removed or disabled"),
        (
            ["user", "enable", "--account", "acme", "--email", "ghost@example.com"],
            "no user with email 'ghost@example.com'"
        ),
        (["saml", "set", "--account", "acme", "--enable"], "without the IdP's Single Sign-On URL"),
        (
            ["saml", "set", "--account", "acme", "--enable", "--sso-url", "https://idp.example/sso"],
            "without at least one IdP signing certificate"
        ),
        (["saml", "set", "--account", "acme", "--sso-url", "http://idp.example/sso"], "it must use https"),
        (["saml", "set", "--account", "acme", "--clock-skew", "99999"], "clock skew must be between"),
        (["session", "revoke", "--account", "acme", "--email", "ghost@example.com"], "no user with email"),
    ])
    func refusalsPrintOneLineAndChangeNothing(arguments: [String], message: String) throws {
        let cli = try Self.acme()
        let accounts = try cli.run("account", "list", "--json").stdout
        let users = try cli.run("user", "list", "--account", "acme", "--json").stdout
        let saml = try cli.run("saml", "show", "--account", "acme", "--json").stdout
        let result = try cli.run(arguments: arguments)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("samlgate: error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try cli.run("account", "list", "--json").stdout == accounts)
        #expect(try cli.run("user", "list", "--account", "acme", "--json").stdout == users)
        #expect(try cli.run("saml", "show", "--account", "acme", "--json").stdout == saml)
    }

    @Test func usageErrorsExitNonZero() throws {
        let cli = try Self.acme()
        #expect(try cli.run("session", "revoke", "--account", "acme").status != 0)
        #expect(
            try cli.run("user", "add", "--account", "acme", "--email", "x@example.com", "--role", "boss").status != 0)
        #expect(try cli.run("user", "set-password", "--account", "acme", "--email", "owner@example.com").status != 0)
        #expect(try cli.run("frobnicate").status != 0)
    }

    @Test func userLifecycleAndJSONKeys() throws {
        let cli = try Self.acme()
        #expect(
            try cli.run("user", "add", "--account", "acme", "--email", "agent@example.com", "--role", "user").status
                == 0)
        let users = try #require(try cli.run("user", "list", "--account", "acme", "--json").json() as? [[String: Any]])
        #expect(users.count == 2)
        #expect(Set(users[0].keys) == ["email", "given_name", "family_name", "role", "disabled", "has_password"])
        let agent = try #require(users.first { $0["email"] as? String == "agent@example.com" })
        #expect(agent["given_name"] is NSNull)
        #expect(agent["has_password"] as? Bool == false)
        #expect(agent["disabled"] as? Bool == false)
        let owner = try #require(users.first { $0["role"] as? String == "owner" })
        #expect(owner["email"] as? String == "Owner@Example.com" && owner["has_password"] as? Bool == true)
        #expect(owner["given_name"] as? String == "Olive")

        #expect(try cli.run("user", "disable", "--account", "acme", "--email", "AGENT@example.com").status == 0)
        var listed = try cli.run("user", "list", "--account", "acme", "--json").stdout
        #expect(listed.contains("\"disabled\": true"))
        #expect(try cli.run("user", "enable", "--account", "acme", "--email", "agent@example.com").status == 0)
        let setPassword = try cli.run(
            "user", "set-password", "--account", "acme", "--email", "agent@example.com", "--password-stdin",
            stdin: "another passphrase")
        #expect(setPassword.status == 0, "\(setPassword.stderr)")
        listed = try cli.run("user", "list", "--account", "acme", "--json").stdout
        #expect(!listed.contains("\"has_password\": false"))
        #expect(try cli.run("user", "remove", "--account", "acme", "--email", "agent@example.com").status == 0)
        #expect(try (cli.run("user", "list", "--account", "acme", "--json").json() as? [Any])?.count == 1)
    }

    @Test func shortPasswordIsRefused() throws {
        let cli = try Self.acme()
        let result = try cli.run(
            "user", "add", "--account", "acme", "--email", "x@example.com", "--role", "user", "--password-stdin",
            stdin: "short\n")
        #expect(result.status == 1 && result.stderr.contains("at least 8 characters"))
        #expect(try (cli.run("user", "list", "--account", "acme", "--json").json() as? [Any])?.count == 1)
    }

    @Test func samlShowGivesDerivedURLsAndEveryKey() throws {
        let cli = try Self.acme()
        let text = try cli.run("saml", "show", "--account", "acme").stdout
        #expect(text.contains("Post-back URL (ACS):  https://help.example.com/sso/acme/acs"))
        #expect(text.contains("Audience URI:         https://help.example.com/sso/acme/metadata"))
        let json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        for key in [
            "postback_url", "audience_uri", "enabled", "sso_url", "idp_entity_id", "force_saml", "allow_sha1",
            "allow_idp_initiated", "clock_skew", "certificates", "session_lifetime",
        ] {
            #expect(json.keys.contains(key), "missing \(key)")
        }
        #expect(json["postback_url"] as? String == "https://help.example.com/sso/acme/acs")
        #expect(json["audience_uri"] as? String == "https://help.example.com/sso/acme/metadata")
        #expect(json["enabled"] as? Bool == false && json["allow_idp_initiated"] as? Bool == true)
        #expect(json["sso_url"] is NSNull && json["idp_entity_id"] is NSNull)
        #expect(json["clock_skew"] as? Int == 180 && json["session_lifetime"] as? Int == 28_800)
    }

    @Test(arguments: ["certificates/rsa.pem", "certificates/rsa.cer", "certificates/rsa.b64"])
    func samlSetAcceptsEachCertificateFormat(file: String) throws {
        let cli = try Self.acme()
        let result = try cli.run(
            "saml", "set", "--account", "acme", "--sso-url", "https://idp.example.com/sso", "--cert", CLI.fixture(file),
            "--enable")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        let certificates = try #require(json["certificates"] as? [[String: Any]])
        #expect(certificates.count == 1)
        #expect(Set(certificates[0].keys).isSuperset(of: ["subject", "sha256", "not_after"]))
        #expect(
            certificates[0]["sha256"] as? String
                == "A0:1C:76:99:09:BD:8A:18:C0:05:D8:75:2B:E3:D5:F3:2A:00:20:10:19:5F:64:AB:97:F8:3F:21:F3:55:78:72")
        #expect(certificates[0]["not_after"] as? String == "2045-01-01T00:00:00Z")
        #expect(json["enabled"] as? Bool == true)
    }

    @Test(arguments: [
        "certificates/private-key.pem", "certificates/request.csr", "certificates/request-der.csr",
        "certificates/garbage.txt", "certificates/cert-and-key.pem", "certificates/empty.pem",
    ])
    func samlSetRefusesWhatIsNotACertificate(file: String) throws {
        let cli = try Self.acme()
        let before = try cli.run("saml", "show", "--account", "acme", "--json").stdout
        let result = try cli.run(
            "saml", "set", "--account", "acme", "--sso-url", "https://idp.example.com/sso", "--cert", CLI.fixture(file))
        #expect(result.status == 1)
        #expect(result.stderr.contains("The certificate must be in PEM or CER format"), "\(result.stderr)")
        #expect(try cli.run("saml", "show", "--account", "acme", "--json").stdout == before)
    }

    @Test func samlSetWithTwoCertsThenExpiredShowsWarning() throws {
        let cli = try Self.acme()
        #expect(
            try cli.run(
                "saml", "set", "--account", "acme", "--cert", CLI.fixture("certificates/two.pem"), "--cert",
                CLI.fixture("certificates/expired.pem")
            ).status == 0)
        let json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        let certificates = try #require(json["certificates"] as? [[String: Any]])
        #expect(certificates.count == 3)
        #expect(certificates[2]["expired"] as? Bool == true)
        #expect(try cli.run("saml", "show", "--account", "acme").stdout.contains("EXPIRED"))
    }

    @Test func samlSetTogglesEveryFlag() throws {
        let cli = try Self.acme()
        let result = try cli.run(
            "saml", "set", "--account", "acme", "--sso-url", "http://localhost:8080/sso", "--cert",
            CLI.fixture("certificates/rsa.pem"), "--idp-entity-id", "urn:test:idp", "--enable", "--force",
            "--allow-sha1",
            "--no-allow-idp-initiated", "--clock-skew", "60", "--session-lifetime", "3600")
        #expect(result.status == 0, "\(result.stderr)")
        var json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(json["sso_url"] as? String == "http://localhost:8080/sso")
        #expect(json["idp_entity_id"] as? String == "urn:test:idp")
        #expect(json["force_saml"] as? Bool == true && json["allow_sha1"] as? Bool == true)
        #expect(json["allow_idp_initiated"] as? Bool == false)
        #expect(json["clock_skew"] as? Int == 60 && json["session_lifetime"] as? Int == 3600)
        #expect(
            try cli.run("saml", "set", "--account", "acme", "--disable", "--no-force", "--no-allow-sha1").status == 0)
        json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(json["enabled"] as? Bool == false && json["force_saml"] as? Bool == false)
        #expect(json["allow_sha1"] as? Bool == false)
        #expect(json["sso_url"] as? String == "http://localhost:8080/sso")
    }

    @Test func metadataIsWellFormedXMLWithTheDerivedURLs() throws {
        let cli = try Self.acme()
        let result = try cli.run("metadata", "--account", "acme")
        #expect(result.status == 0)
        #expect(result.stdout.contains("entityID=\"https://help.example.com/sso/acme/metadata\""))
        #expect(result.stdout.contains("Location=\"https://help.example.com/sso/acme/acs\""))
        let parser = XMLParser(data: Data(result.stdout.utf8))
        #expect(parser.parse())
    }

    @Test func sessionAndLogListsAreEmptyJSONArrays() throws {
        let cli = try Self.acme()
        for arguments in [["session", "list"], ["log"], ["log", "--failures", "--limit", "5"]] {
            let result = try cli.run(arguments: arguments + ["--account", "acme", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect((try result.json() as? [Any])?.isEmpty == true)
        }
        let revoke = try cli.run("session", "revoke", "--account", "acme", "--all")
        #expect(revoke.status == 0 && revoke.stdout.contains("Revoked 0 sessions"))
        #expect(try cli.run("session", "revoke", "--account", "acme", "--email", "owner@example.com").status == 0)
    }

    @Test(arguments: [
        [String](), ["account"], ["account", "add"], ["user"], ["user", "add"], ["saml"], ["saml", "set"], ["metadata"],
        ["session"], ["session", "revoke"], ["log"], ["init"],
    ])
    func everyCommandHasHelp(path: [String]) throws {
        let cli = try CLI(initialise: false)
        let result = try cli.run(arguments: path + ["--help"], db: false)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE:") || result.stdout.contains("Usage:"))
        #expect(result.stdout.count > 100)
    }
}

/// `saml set --idp-metadata`: the IdP's metadata fills the settings; explicit options win.
@Suite(.timeLimit(.minutes(1)))
struct CLIMetadataTests {
    @Test func idpMetadataFillsSSOURLEntityIDAndCertificates() throws {
        let cli = try CLITests.acme()
        let result = try cli.run(
            "saml", "set", "--account", "acme", "--idp-metadata", CLI.fixture("metadata/idp.xml"), "--enable")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(json["sso_url"] as? String == "https://example.okta.com/app/redirect/sso/saml")
        #expect(json["idp_entity_id"] as? String == "http://www.okta.com/exk123")
        #expect((json["certificates"] as? [Any])?.count == 1)
        #expect(json["enabled"] as? Bool == true)
    }

    @Test func explicitOptionsWinOverMetadata() throws {
        let cli = try CLITests.acme()
        let result = try cli.run(
            "saml", "set", "--account", "acme", "--idp-metadata", CLI.fixture("metadata/idp.xml"), "--sso-url",
            "https://override.example.com/sso", "--cert", CLI.fixture("certificates/two.pem"))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(json["sso_url"] as? String == "https://override.example.com/sso")
        #expect((json["certificates"] as? [Any])?.count == 2)
    }

    @Test func postOnlyMetadataSetsTheBindingAndTurnsSigningOn() throws {
        let cli = try CLITests.acme()
        #expect(try cli.run("saml", "set", "--account", "acme", "--no-sign-requests").status == 0)
        let result = try cli.run(
            "saml", "set", "--account", "acme", "--idp-metadata", CLI.fixture("metadata/post-only.xml"))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(json["request_binding"] as? String == "post")
        #expect(json["sign_requests"] as? Bool == true)
        #expect(json["require_encryption"] as? Bool == false)
    }

    /// The SSO URL is the chosen binding's location; a stored choice survives a re-import.
    @Test func theSSOURLFollowsTheBindingAndAStoredChoiceSurvivesAReimport() throws {
        let cli = try CLITests.acme()
        let both = CLI.fixture("metadata/idp.xml")
        func show() throws -> [String: Any] {
            try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        }
        var result = try cli.run(
            "saml", "set", "--account", "acme", "--idp-metadata", both, "--request-binding", "post")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try show()["sso_url"] as? String == "https://example.okta.com/app/post/sso/saml")
        result = try cli.run("saml", "set", "--account", "acme", "--idp-metadata", both)
        #expect(result.status == 0, "\(result.stderr)")
        var json = try show()
        #expect(json["request_binding"] as? String == "post")
        #expect(json["sso_url"] as? String == "https://example.okta.com/app/post/sso/saml")
        result = try cli.run(
            "saml", "set", "--account", "acme", "--idp-metadata", both, "--request-binding", "redirect")
        json = try show()
        #expect(json["request_binding"] as? String == "redirect")
        #expect(json["sso_url"] as? String == "https://example.okta.com/app/redirect/sso/saml")

        let postOnly = CLI.fixture("metadata/post-only.xml")
        result = try cli.run(
            "saml", "set", "--account", "acme", "--idp-metadata", postOnly, "--request-binding", "redirect")
        #expect(result.status != 0)
        #expect(result.stderr.contains("offers no SingleSignOnService for HTTP-Redirect"), "\(result.stderr)")
        #expect(try show()["sso_url"] as? String == "https://example.okta.com/app/redirect/sso/saml")
    }

    @Test func singleLogoutFromMetadataOrFlagsAndLogoutCookies() throws {
        let cli = try CLITests.acme()
        func show() throws -> [String: Any] {
            try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        }
        var result = try cli.run("saml", "set", "--account", "acme", "--idp-metadata", CLI.fixture("metadata/idp.xml"))
        #expect(result.status == 0, "\(result.stderr)")
        var json = try show()
        #expect(json["slo_url"] as? String == "https://example.okta.com/app/redirect/slo")
        #expect(json["slo_response_url"] as? String == "https://example.okta.com/app/redirect/slo-response")
        #expect(json["slo_binding"] as? String == "redirect")
        #expect(json["sp_slo_url"] as? String == "https://help.example.com/sso/acme/slo")
        result = try cli.run(
            "saml", "set", "--account", "acme", "--slo-url", "https://idp.example.com/logout", "--app-logout-cookie",
            "app_session", "--app-logout-cookie", "remember_me")
        #expect(result.status == 0, "\(result.stderr)")
        json = try show()
        #expect(json["slo_url"] as? String == "https://idp.example.com/logout")
        #expect(json["slo_response_url"] is NSNull)
        #expect(json["app_logout_cookies"] as? [String] == ["app_session", "remember_me"])
        let text = try cli.run("saml", "show", "--account", "acme").stdout
        #expect(text.contains("Single Logout URL:    https://idp.example.com/logout (HTTP-Redirect)"), "\(text)")
        #expect(text.contains("App logout cookies:   app_session, remember_me"))
        for bad in [["--slo-url", "http://idp.example.com/slo"], ["--app-logout-cookie", "a;b"]] {
            result = try cli.run(arguments: ["saml", "set", "--account", "acme"] + bad)
            #expect(result.status != 0 && !result.stderr.isEmpty, "\(bad)")
        }
        #expect(try show()["app_logout_cookies"] as? [String] == ["app_session", "remember_me"])
        result = try cli.run("saml", "set", "--account", "acme", "--slo-url", "", "--app-logout-cookie", "")
        #expect(result.status == 0, "\(result.stderr)")
        json = try show()
        #expect(json["slo_url"] is NSNull && (json["app_logout_cookies"] as? [String])?.isEmpty == true)
    }

    @Test func identityRuleFlagsSetShowAndClear() throws {
        let cli = try CLITests.acme()
        func show() throws -> [String: Any] {
            try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        }
        var json = try show()
        #expect((json["email_domains"] as? [String])?.isEmpty == true && json["group_attribute"] is NSNull)
        var result = try cli.run(
            "saml", "set", "--account", "acme", "--email-domain", "@Acme.test", "--email-domain", "acme.example",
            "--group-attribute", "memberOf", "--required-group", "cn=Support,ou=Groups,dc=acme,dc=test",
            "--admin-group", "Helpdesk Admins")
        #expect(result.status == 0, "\(result.stderr)")
        json = try show()
        #expect(json["email_domains"] as? [String] == ["acme.test", "acme.example"])
        #expect(json["group_attribute"] as? String == "memberOf")
        #expect(json["required_groups"] as? [String] == ["cn=Support,ou=Groups,dc=acme,dc=test"])
        #expect(json["admin_groups"] as? [String] == ["Helpdesk Admins"])
        let text = try cli.run("saml", "show", "--account", "acme").stdout
        #expect(text.contains("Email domains:        @acme.test, @acme.example"), "\(text)")
        #expect(text.contains("Admin groups:         Helpdesk Admins"), "\(text)")
        for bad in [
            ["--email-domain", "acme test"], ["--email-domain", "zoe@acme.test"], ["--group-attribute", "two words"],
            ["--required-group", "a\u{1}b"], ["--admin-group", "A\u{2028}B"],
        ] {
            result = try cli.run(arguments: ["saml", "set", "--account", "acme"] + bad)
            #expect(result.status != 0 && !result.stderr.isEmpty, "\(bad)")
        }
        #expect(try show()["email_domains"] as? [String] == ["acme.test", "acme.example"])
        result = try cli.run(
            "saml", "set", "--account", "acme", "--email-domain", "", "--group-attribute", "", "--required-group", "",
            "--admin-group", "")
        #expect(result.status == 0, "\(result.stderr)")
        json = try show()
        #expect((json["email_domains"] as? [String])?.isEmpty == true && json["group_attribute"] is NSNull)
        #expect((json["required_groups"] as? [String])?.isEmpty == true)
        #expect((json["admin_groups"] as? [String])?.isEmpty == true)
    }

    @Test func signingEncryptionAndBindingFlags() throws {
        let cli = try CLITests.acme()
        let result = try cli.run(
            "saml", "set", "--account", "acme", "--no-sign-requests", "--require-encryption", "--request-binding",
            "post")
        #expect(result.status == 0, "\(result.stderr)")
        var json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(json["sign_requests"] as? Bool == false && json["require_encryption"] as? Bool == true)
        #expect(json["request_binding"] as? String == "post")
        let text = try cli.run("saml", "show", "--account", "acme").stdout
        #expect(text.contains("Sign AuthnRequests:   no") && text.contains("Request binding:      HTTP-POST"))
        #expect(text.contains("Require encryption:   yes"))
        #expect(try cli.run("saml", "set", "--account", "acme", "--request-binding", "artifact").status != 0)
        #expect(
            try cli.run("saml", "set", "--account", "acme", "--sign-requests", "--no-require-encryption").status == 0)
        json = try #require(try cli.run("saml", "show", "--account", "acme", "--json").json() as? [String: Any])
        #expect(json["sign_requests"] as? Bool == true && json["require_encryption"] as? Bool == false)
    }

    @Test func badMetadataChangesNothing() throws {
        let cli = try CLITests.acme()
        let before = try cli.run("saml", "show", "--account", "acme", "--json").stdout
        for file in ["metadata/no-sso.xml", "certificates/garbage.txt", "certificates/rsa.pem"] {
            let result = try cli.run(
                "saml", "set", "--account", "acme", "--idp-metadata", CLI.fixture(file), "--enable")
            #expect(result.status == 1 && result.stderr.hasPrefix("samlgate: error: "), "\(file): \(result.stderr)")
        }
        #expect(try cli.run("saml", "show", "--account", "acme", "--json").stdout == before)
    }
}

/// The responder refuses to start on a database whose schema it does not match, with one clear line.
@Suite(.timeLimit(.minutes(1)))
struct ResponderStartTests {
    static var responder: URL { CLI.binary.deletingLastPathComponent().appendingPathComponent("samlgate-fcgi") }

    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = responder
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "GATEWAY_INTERFACE")
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func refusesAnUnmigratedDatabase() throws {
        let cli = try CLI(initialise: false)
        // A PostgreSQL test database exists already, empty; a SQLite one is an empty file.
        if TestDatabase.isSQLite {
            #expect(FileManager.default.createFile(atPath: cli.databasePath, contents: Data()))
        }
        let (status, errors) = try Self.run(["--db", cli.databasePath, "--listen", "127.0.0.1:1"])
        #expect(status == 1)
        #expect(errors.contains("schema is out of date") && errors.contains("samlgate init"), "\(errors)")
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func refusesAMissingDatabase() throws {
        let cli = try CLI(initialise: false)
        let (status, errors) = try Self.run(["--db", cli.databasePath, "--listen", "127.0.0.1:1"])
        #expect(status == 1 && errors.contains("no samlgate database"))
    }

    @Test func helpExplainsTheModes() throws {
        let process = Process()
        process.executableURL = Self.responder
        process.arguments = ["--help"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("--listen") && text.contains("CGI") && text.contains("--socket-group"))
    }
}
