import Credentials
@testable import Endpoints
import Foundation
import HTTP
import SAML
import Store
import TestSupport
import Testing

/// The Authentication settings page at handler level: roles, CSRF, validation, all-or-nothing saves.
@Suite(.timeLimit(.minutes(1)))
struct SettingsPageTests {
    /// A multipart/form-data body: fields, then files.
    static func multipart(_ fields: [(String, String)], files: [(String, String, [UInt8])] = []) -> (String, [UInt8]) {
        let boundary = "----samlgate\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, filename, bytes) in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8)
            body += bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// A session cookie for `email` signed in with a password (the owner or carol the admin).
    static func signedIn(_ harness: GatewayHarness, _ email: String, _ password: String) throws -> String {
        let (cookie, token) = try SSOGatewayPasswordTests.csrf(harness)
        let response = harness.post(
            "/sso/acme/login", form: [("csrf_token", token), ("email", email), ("password", password)], cookie: cookie)
        return try #require(GatewayHarness.sessionCookie(response))
    }

    /// The settings form's token (the page's last form; the sign-out button above it has its own).
    static func csrfToken(_ page: HTTPResponse) throws -> String {
        String(try #require(GatewayHarness.text(page).matches(of: /name="csrf_token" value="([^"]+)"/).last?.1))
    }

    static func save(
        _ harness: GatewayHarness, cookie: String, fields: [(String, String)], files: [(String, String, [UInt8])] = [],
        csrf: String? = nil
    ) throws -> HTTPResponse {
        let token = try csrf ?? csrfToken(harness.get("/sso/acme/settings", cookie: cookie))
        let (contentType, body) = multipart([("csrf_token", token)] + fields, files: files)
        return harness.gateway.handle(
            HTTPRequest(
                method: "POST", path: "/sso/acme/settings", headers: ["cookie": cookie, "content-type": contentType],
                body: body))
    }

    static let baseFields: [(String, String)] = [
        ("action", "save"), ("enabled", "on"), ("sso_url", "https://idp.example.com/sso"), ("idp_entity_id", ""),
        ("allow_idp_initiated", "on"), ("sign_requests", "on"), ("request_binding", "redirect"), ("clock_skew", "180"),
        ("session_lifetime", "28800"),
    ]

    /// A refused sign-in's row says where the IdP's console fixes it, worded for the IdP the settings name
    /// now (so a row written before a change of IdP follows it); the browser's page never shows it.
    @Test func aRefusedSignInsRowCarriesTheIdPsHint() throws {
        let harness = try GatewayHarness {
            $0.ssoURL = "https://login.microsoftonline.com/5b5c94c6-14cf-42da-85bc-4e08722b253b/saml2"
        }
        var builder = ResponseBuilder.valid()
        builder.audienceRestrictions = [["spn:0f9e8d7c"]]
        let refused = harness.postACS(try builder.encoded())
        #expect(refused.status == 403)
        let browser = GatewayHarness.text(refused)
        #expect(!browser.contains("Hint") && !browser.contains("Identifier (Entity ID)"), "\(browser)")

        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let html = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        let hint = try #require(html.firstMatch(of: /<strong>Hint:<\/strong> ([^<]*)<\/div>/)?.1)
        #expect(hint.hasPrefix("In Entra: Enterprise applications → your app → Single sign-on"), "\(hint)")
        #expect(hint.contains("Identifier (Entity ID)") && hint.contains("https://help.example.com/sso/acme/metadata"))
        // The owner's accepted password sign-in is a row too, without a hint.
        #expect(html.matches(of: /<strong>Hint:<\/strong>/).count == 1, "\(html)")

        try harness.changeSettings { $0.ssoURL = "https://dev-513394.okta.com/app/acme/exkppsa1qwuFV4D7z0h7/sso/saml" }
        let later = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        let okta = try #require(later.firstMatch(of: /<strong>Hint:<\/strong> ([^<]*)<\/div>/)?.1)
        #expect(okta.contains("Audience URI (SP Entity ID)"), "\(okta)")
    }

    @Test func signingEncryptionAndBindingAreSavedFromThePage() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let fields = Self.baseFields.filter { !["sign_requests", "request_binding"].contains($0.0) }
        let response = try Self.save(
            harness, cookie: cookie, fields: fields + [("require_encryption", "on"), ("request_binding", "post")])
        #expect(response.status == 303)
        let saved = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        #expect(!saved.signRequests && saved.requireEncryption && saved.requestBinding == .post)
        let html = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        #expect(html.contains("id=\"require_encryption\" checked") && !html.contains("id=\"sign_requests\" checked"))
        #expect(html.contains("<option value=\"post\" selected>"))
        let refused = try Self.save(harness, cookie: cookie, fields: fields + [("request_binding", "artifact")])
        #expect(refused.status == 422)
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) } == saved)
    }

    @Test func identityRulesAreSavedFromThePageAndShownAsSaved() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let rules: [(String, String)] = [
            ("email_domains", "acme.test, @Acme.Example"), ("group_attribute", " memberOf "),
            ("required_groups", "cn=Support,ou=Groups,dc=acme,dc=test\r\nSales Team\r\n"),
            ("admin_groups", "<Admins>"),
        ]
        #expect(try Self.save(harness, cookie: cookie, fields: Self.baseFields + rules).status == 303)
        let saved = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        #expect(saved.emailDomains == ["acme.test", "acme.example"] && saved.groupAttribute == "memberOf")
        #expect(saved.requiredGroups == ["cn=Support,ou=Groups,dc=acme,dc=test", "Sales Team"])
        #expect(saved.adminGroups == ["<Admins>"])
        let html = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        #expect(html.contains("value=\"acme.test, acme.example\""), "\(html)")
        #expect(html.contains("cn=Support,ou=Groups,dc=acme,dc=test\nSales Team</textarea>"))
        #expect(html.contains("&lt;Admins&gt;</textarea>") && !html.contains("<Admins>"))
        // A bad domain is reported next to its field and nothing is saved.
        let refused = try Self.save(
            harness, cookie: cookie, fields: Self.baseFields + [("email_domains", "zoe@acme.test")])
        #expect(refused.status == 422)
        #expect(GatewayHarness.text(refused).contains("is not an email domain"))
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) } == saved)
        // A form without the fields (an older page) leaves the rules as they are.
        #expect(try Self.save(harness, cookie: cookie, fields: Self.baseFields).status == 303)
        #expect(
            try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }.adminGroups == ["<Admins>"])
    }

    /// Two admins (or an admin and the CLI, or a metadata refresh) on the same settings: a page opened before
    /// the other's save is refused with 409 and the current settings, never saved over them.
    @Test func aPageOpenedBeforeAnotherSaveCannotUndoIt() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let page = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        let version = String(try #require(page.firstMatch(of: /name="settings_version" value="([0-9]+)"/)?.1))
        let token = try Self.csrfToken(harness.get("/sso/acme/settings", cookie: cookie))
        try harness.changeSettings { $0.clockSkew = 42 }  // someone else, after the page was opened

        let stale = try Self.save(
            harness, cookie: cookie, fields: Self.baseFields + [("settings_version", version)], csrf: token)
        #expect(stale.status == 409)
        let text = GatewayHarness.text(stale)
        #expect(text.contains("changed elsewhere") && text.contains("value=\"42\""), "\(text)")
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }.clockSkew == 42)

        // The page it showed carries the new version and saves.
        let current = String(try #require(text.firstMatch(of: /name="settings_version" value="([0-9]+)"/)?.1))
        #expect(current != version)
        let saved = try Self.save(
            harness, cookie: cookie, fields: Self.baseFields + [("settings_version", current)], csrf: token)
        #expect(saved.status == 303)
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }.clockSkew == 180)
    }

    @Test func rolloverButtonsAddActivateAndRemoveKeys() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        func keys() throws -> [SPKey] { try harness.store.read { try $0.spKeys(accountID: harness.accountID) } }
        let original = try #require(try keys().first)
        #expect(try Self.save(harness, cookie: cookie, fields: [("sp_key_action", "add")]).status == 303)
        let next = try #require(try keys().first { $0.state == .next })
        #expect(
            GatewayHarness.text(harness.get("/sso/acme/metadata")).contains(
                Data(next.certificateDER).base64EncodedString()))
        let page = GatewayHarness.text(harness.get("/sso/acme/settings", query: "sp_key=added", cookie: cookie))
        #expect(page.contains("A next key was added") && page.contains("value=\"activate:\(next.id)\""))
        #expect(
            try Self.save(harness, cookie: cookie, fields: [("sp_key_action", "activate:\(next.id)")]).status == 303)
        #expect(try keys().map(\.state) == [.active, .retired])
        #expect(try keys().first?.id == next.id)
        // The active key cannot be removed; the retired one can.
        #expect(try Self.save(harness, cookie: cookie, fields: [("sp_key_action", "remove:\(next.id)")]).status == 422)
        #expect(
            try Self.save(harness, cookie: cookie, fields: [("sp_key_action", "remove:\(original.id)")]).status == 303)
        #expect(try keys().map(\.id) == [next.id])
        // A forged token changes nothing.
        let forged = try Self.save(harness, cookie: cookie, fields: [("sp_key_action", "add")], csrf: "forged")
        #expect(forged.status == 403)
        #expect(try keys().count == 1)
    }

    @Test func addingAKeyWithoutTheSecretFileSaysWhyAndAddsNothing() throws {
        let harness = try GatewayHarness(secret: .unavailable(reason: "cannot read the secret file /x/secret.key"))
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let response = try Self.save(harness, cookie: cookie, fields: [("sp_key_action", "add")])
        #expect(response.status == 422)
        #expect(GatewayHarness.text(response).contains("/x/secret.key"))
        #expect(try harness.store.read { try $0.spKeys(accountID: harness.accountID) }.count == 1)
    }

    @Test func anonymousVisitorsAreSentToSignInAndUsersAreRefused() throws {
        let harness = try GatewayHarness()
        let anonymous = harness.get("/sso/acme/settings")
        #expect(anonymous.status == 302)
        #expect(
            anonymous.header("Location")?.contains("return_to=https%3A%2F%2Fhelp.example.com%2Fsso%2Facme%2Fsettings")
                == true)
        let alice = try #require(GatewayHarness.sessionCookie(harness.postACS(try ResponseBuilder.valid().encoded())))
        #expect(harness.get("/sso/acme/settings", cookie: alice).status == 403)
    }

    @Test func ownerAndAdminSeeTheTwoURLsCertificatesAndLog() throws {
        let harness = try GatewayHarness()
        _ = harness.postACS(try ResponseBuilder.valid(email: "ghost@example.com").encoded())
        for (email, password) in [
            ("owner@example.com", GatewayHarness.ownerPassword), ("carol@example.com", GatewayHarness.carolPassword),
        ] {
            let cookie = try Self.signedIn(harness, email, password)
            let page = harness.get("/sso/acme/settings", cookie: cookie)
            #expect(page.status == 200)
            let html = GatewayHarness.text(page)
            #expect(html.contains("https://help.example.com/sso/acme/acs"))
            #expect(html.contains("https://help.example.com/sso/acme/metadata"))
            #expect(html.contains(try Certificate(der: TestKeys.idpRSADER).sha256))
            #expect(html.contains("ghost@example.com") && html.contains("There is no user ghost@example.com"))
            #expect(page.header("Content-Security-Policy")?.contains("script-src 'sha256-") == true)
            // Without a metadata URL, pinned certificate or separate logout response URL, none is mentioned.
            #expect(!html.contains("LogoutResponses go to") && !html.contains("Kept current from the IdP"))
            #expect(!html.contains("must verify with") && html.contains("(uploaded)"))
        }
    }

    /// The page lists the SP's own certificates and hands each out as a PEM file; nobody else gets them here.
    @Test func theSPCertificatesAreShownAndDownloadable() throws {
        let harness = try GatewayHarness()
        let spCertificate = try Certificate(der: TestKeys.attackerDER)
        let key = try harness.store.write { tx in
            try tx.addSPKey(
                accountID: harness.accountID, state: .next, certificateDER: spCertificate.der,
                sha256: spCertificate.sha256, notAfter: spCertificate.notAfter, sealedPrivateKey: [1, 2, 3])
        }
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let html = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        #expect(html.contains("Key \(key.id)</strong> <span class=\"hint\">(next)"))
        #expect(html.contains(spCertificate.sha256))
        #expect(html.contains("href=\"https://help.example.com/sso/acme/settings?sp_certificate=\(key.id)\" download"))

        let download = harness.get("/sso/acme/settings", query: "sp_certificate=\(key.id)", cookie: cookie)
        #expect(download.status == 200)
        #expect(download.header("Content-Type") == "application/x-pem-file")
        #expect(download.header("Content-Disposition") == "attachment; filename=\"acme-sp-\(key.id).pem\"")
        #expect(GatewayHarness.text(download) == spCertificate.pem)
        #expect(harness.get("/sso/acme/settings", query: "sp_certificate=999", cookie: cookie).status == 404)
        #expect(harness.get("/sso/acme/settings", query: "sp_certificate=x", cookie: cookie).status == 404)
        #expect(harness.get("/sso/acme/settings", query: "sp_certificate=\(key.id)").status == 302)
        let alice = try #require(GatewayHarness.sessionCookie(harness.postACS(try ResponseBuilder.valid().encoded())))
        #expect(harness.get("/sso/acme/settings", query: "sp_certificate=\(key.id)", cookie: alice).status == 403)
    }

    @Test func saveRequiresTheSessionBoundCSRFToken() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let before = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        for token in ["", "forged", SessionCSRF.token(forSession: "another-session", purpose: .settings)] {
            let response = try Self.save(
                harness, cookie: cookie, fields: Self.baseFields + [("force_saml", "on")], csrf: token)
            #expect(response.status == 403)
        }
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) } == before)
    }

    @Test func savingUpdatesSettingsInOneGo() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let response = try Self.save(
            harness, cookie: cookie,
            fields: Self.baseFields.filter { $0.0 != "idp_entity_id" } + [
                ("force_saml", "on"), ("idp_entity_id", "urn:idp"),
            ],
            files: [
                ("certificate", "idp.cer", TestKeys.file("rsa.cer")),
                ("certificate", "ec.pem", TestKeys.file("idp-ec-cert.pem")),
            ])
        #expect(response.status == 303)
        #expect(response.header("Location") == "https://help.example.com/sso/acme/settings?saved=1")
        let settings = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        #expect(settings.forceSAML && settings.idpEntityID == "urn:idp")
        // rsa.cer is the certificate already configured: kept once. The EC one is added.
        #expect(settings.certificates.count == 2)
        #expect(
            GatewayHarness.text(harness.get("/sso/acme/settings", query: "saved=1", cookie: cookie)).contains(
                "Settings saved."))
    }

    @Test(arguments: [
        ([("sso_url", "http://idp.example.com/sso")], "sso_url", "it must use https"),
        ([("clock_skew", "nine")], "clock_skew", "Enter a number"),
        ([("clock_skew", "99999")], "clock_skew", "clock skew must be between"),
        ([("idp_entity_id", "has space")], "idp_entity_id", "invalid IdP entity ID"),
    ])
    func invalidFieldsAreShownAndNothingIsSaved(overrides: [(String, String)], field: String, message: String) throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let before = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        let names = Set(overrides.map(\.0))
        let fields = Self.baseFields.filter { !names.contains($0.0) } + overrides + [("force_saml", "on")]
        let response = try Self.save(harness, cookie: cookie, fields: fields)
        #expect(response.status == 422)
        let html = GatewayHarness.text(response)
        #expect(html.contains(message), "\(field)")
        #expect(html.contains("Nothing was saved"))
        for (_, value) in overrides { #expect(html.contains(value), "entered value \(value) kept") }
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) } == before)
    }

    @Test func aWrongCertificateFileChangesNothing() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let before = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        let response = try Self.save(
            harness, cookie: cookie, fields: Self.baseFields + [("force_saml", "on")],
            files: [
                ("certificate", "good.pem", TestKeys.file("rsa.pem")),
                ("certificate", "key.pem", TestKeys.file("private-key.pem")),
            ])
        #expect(response.status == 422)
        #expect(GatewayHarness.text(response).contains("The certificate must be in PEM or CER format"))
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) } == before)
    }

    @Test func enablingWithoutCertificatesIsRefused() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let sha = try Certificate(der: TestKeys.idpRSADER).sha256
        let response = try Self.save(harness, cookie: cookie, fields: Self.baseFields + [("remove_certificate", sha)])
        #expect(response.status == 422)
        #expect(GatewayHarness.text(response).contains("without at least one IdP signing certificate"))
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }.certificates.count == 1)
    }

    @Test func metadataFillsTheFormForReviewThenSaves() throws {
        let harness = try GatewayHarness {
            $0.certificates = []; $0.enabled = false; $0.ssoURL = nil
        }
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let metadata = String(decoding: TestKeys.file("../metadata/idp.xml"), as: UTF8.self)
        let review = try Self.save(
            harness, cookie: cookie, fields: [("action", "load_metadata"), ("idp_metadata", metadata)])
        #expect(review.status == 200)
        let html = GatewayHarness.text(review)
        #expect(html.contains("value=\"https://example.okta.com/app/redirect/sso/saml\""))
        #expect(html.contains("value=\"http://www.okta.com/exk123\"") && html.contains("added on save"))
        #expect(try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }.certificates.isEmpty)
        let pending = try #require(html.firstMatch(of: /name="pending_certificate" value="([^"]+)"/)?.1)
        let saved = try Self.save(
            harness, cookie: cookie,
            fields: [
                ("action", "save"), ("enabled", "on"), ("sso_url", "https://example.okta.com/app/redirect/sso/saml"),
                ("idp_entity_id", "http://www.okta.com/exk123"), ("pending_certificate", String(pending)),
                ("clock_skew", "180"), ("session_lifetime", "28800"),
            ])
        #expect(saved.status == 303)
        let settings = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        #expect(settings.enabled && settings.certificates.map(\.der) == [TestKeys.idpRSADER])
    }

    /// With HTTP-POST chosen, metadata offering both bindings fills the POST location and keeps POST.
    @Test func metadataFillsTheLocationOfTheChosenBinding() throws {
        let harness = try GatewayHarness { $0.requestBinding = .post }
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let metadata = String(decoding: TestKeys.file("../metadata/idp.xml"), as: UTF8.self)
        let review = try Self.save(
            harness, cookie: cookie, fields: [("action", "load_metadata"), ("idp_metadata", metadata)])
        let html = GatewayHarness.text(review)
        #expect(html.contains("value=\"https://example.okta.com/app/post/sso/saml\""))
        #expect(html.contains("<option value=\"post\" selected>"), "\(html)")
    }

    @Test func theSingleLogoutFieldsSaveAndMetadataFillsThem() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let page = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        #expect(page.contains("https://help.example.com/sso/acme/slo"))
        let metadata = String(decoding: TestKeys.file("../metadata/idp.xml"), as: UTF8.self)
        let review = GatewayHarness.text(
            try Self.save(harness, cookie: cookie, fields: [("action", "load_metadata"), ("idp_metadata", metadata)]))
        #expect(review.contains(#"value="https://example.okta.com/app/redirect/slo""#))
        #expect(review.contains("https://example.okta.com/app/redirect/slo-response"))
        let saved = try Self.save(
            harness, cookie: cookie,
            fields: Self.baseFields + [
                ("slo_url", "https://idp.example.com/slo"), ("app_logout_cookies", "app_session, remember_me"),
            ])
        #expect(saved.status == 303, "\(GatewayHarness.text(saved))")
        let settings = try harness.store.read { try $0.samlSettings(accountID: harness.accountID) }
        #expect(settings.sloURL == "https://idp.example.com/slo")
        #expect(settings.appLogoutCookies == ["app_session", "remember_me"])
        let refused = try Self.save(
            harness, cookie: cookie, fields: Self.baseFields + [("slo_url", "ftp://idp.example.com/slo")])
        #expect(refused.status == 422 && GatewayHarness.text(refused).contains("invalid Single Logout URL"))
        let badCookie = try Self.save(
            harness, cookie: cookie, fields: Self.baseFields + [("app_logout_cookies", "a=b")])
        #expect(badCookie.status == 422 && GatewayHarness.text(badCookie).contains("is not a cookie name"))
    }

    @Test func uploadedMetadataFileFillsTheFormToo() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let review = try Self.save(
            harness, cookie: cookie, fields: [("action", "load_metadata"), ("idp_metadata", "")],
            files: [("idp_metadata_file", "idp.xml", TestKeys.file("../metadata/idp.xml"))])
        #expect(review.status == 200)
        #expect(GatewayHarness.text(review).contains("value=\"https://example.okta.com/app/redirect/sso/saml\""))
    }

    @Test func badMetadataIsShownNextToItsField() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let review = try Self.save(
            harness, cookie: cookie, fields: [("action", "load_metadata"), ("idp_metadata", "<html/>")])
        #expect(review.status == 422 && GatewayHarness.text(review).contains("not SAML metadata"))
    }

    @Test func testSignInShowsTheLatestSAMLResult() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let page = GatewayHarness.text(harness.get("/sso/acme/settings", cookie: cookie))
        let testURL = try #require(page.firstMatch(of: /href="([^"]*login\?return_to=[^"]*)">Test sign-in/)?.1)
        #expect(testURL.contains("test%3D1"))
        var builder = ResponseBuilder.valid(email: "owner@example.com")
        builder.audienceRestrictions = [["urn:foo"]]
        _ = harness.postACS(try builder.encoded())
        let failed = GatewayHarness.text(harness.get("/sso/acme/settings", query: "test=1", cookie: cookie))
        #expect(failed.contains("Test sign-in: it failed"))
        #expect(failed.contains("our Audience URI is not in the AudienceRestriction"))
        _ = harness.postACS(try ResponseBuilder.valid(email: "owner@example.com").encoded())
        let worked = GatewayHarness.text(harness.get("/sso/acme/settings", query: "test=1", cookie: cookie))
        #expect(worked.contains("Test sign-in: it worked"))
    }

    @Test func htmlIsEscaped() throws {
        let harness = try GatewayHarness()
        let cookie = try Self.signedIn(harness, "owner@example.com", GatewayHarness.ownerPassword)
        let response = try Self.save(
            harness, cookie: cookie,
            fields: Self.baseFields.filter { $0.0 != "sso_url" } + [("sso_url", "\"><script>alert(1)</script>")])
        #expect(response.status == 422)
        #expect(!GatewayHarness.text(response).contains("<script>alert(1)"))
    }
}
