import Admin
import Credentials
import Foundation
import HTTP
import SAML
import Store

extension SSOGateway {
    /// `GET|POST …/settings`: the Authentication settings page, for the owner and admins only.
    func settings(_ request: HTTPRequest, context: AccountContext) throws -> HTTPResponse {
        guard let identity = try currentSession(request, context: context) else {
            let location =
                context.provider.loginURL + "?return_to=" + URLEncoding.queryValue(context.provider.settingsURL)
            return HTTPResponse.redirect(302, to: location).with(outcome: "sign_in_required")
        }
        guard identity.user.role.managesSettings else {
            return pages.error(
                status: 403, title: "Not allowed",
                message: "Only the account owner and admins can change authentication settings."
            ).with(outcome: "forbidden")
        }
        let token = Cookies.value(named: context.cookieName, in: request.headers["cookie"]) ?? ""
        let csrf = SessionCSRF.token(forSession: token, purpose: .settings)
        if request.method != "POST" {
            let query = FormData(urlEncoded: request.query)
            if let id = query.single("sp_certificate") {
                return try spCertificate(id: id, context: context)
            }
            var form = SettingsForm(settings: context.settings)
            form.saved = query.single("saved") == "1"
            form.spKeyDone = query.single("sp_key").flatMap(SettingsForm.spKeyMessages.index(forKey:)).map {
                SettingsForm.spKeyMessages[$0].value
            }
            if query.single("test") == "1" { form.testResult = try testResult(for: identity, context: context) }
            return try renderSettings(form, status: 200, identity: identity, context: context, session: token)
        }
        guard let multipart = MultipartForm(contentType: request.headers["content-type"], body: request.body) else {
            return pages.error(status: 400, title: "Bad request", message: "The settings form could not be read.")
                .with(outcome: "malformed")
        }
        guard SessionCSRF.matches(multipart.single("csrf_token"), expected: csrf) else {
            return pages.error(
                status: 403, title: "Form expired",
                message: "The settings form expired. Reload the page and try again.",
                retryURL: context.provider.settingsURL
            ).with(outcome: "csrf_rejected")
        }
        if let action = multipart.single("sp_key_action") {
            var form = SettingsForm(settings: context.settings)
            switch spKeyAction(action, context: context) {
            case .success(let done):
                return HTTPResponse.redirect(303, to: context.provider.settingsURL + "?sp_key=" + done)
                    .with(outcome: "sp_key_changed")
            case .failure(let problem):
                form.errors["sp_key"] = problem.message
                return try renderSettings(form, status: 422, identity: identity, context: context, session: token)
            }
        }
        var form = SettingsForm(posted: multipart, current: context.settings)
        if multipart.single("action") == "load_metadata" {
            form.loadMetadata()
            return try renderSettings(
                form, status: form.errors.isEmpty ? 200 : 422, identity: identity, context: context, session: token)
        }
        guard let settings = form.validatedSettings(current: context.settings) else {
            return try renderSettings(form, status: 422, identity: identity, context: context, session: token)
        }
        // The page's version, else this request's: a save built on older settings must not undo a newer one.
        let expected = multipart.single("settings_version").flatMap { Int64($0) } ?? context.version
        do {
            try store.write { tx in
                try tx.saveSAMLSettings(
                    accountID: context.account.id, settings, now: clock(), expectedVersion: expected)
            }
        } catch StoreError.settingsChanged {
            guard let fresh = try directory.context(slug: context.account.slug) else { return notFound() }
            var current = SettingsForm(settings: fresh.settings)
            current.changedMeanwhile = true
            return try renderSettings(current, status: 409, identity: identity, context: fresh, session: token)
                .with(outcome: "settings_changed_meanwhile")
        }
        return HTTPResponse.redirect(303, to: context.provider.settingsURL + "?saved=1").with(outcome: "settings_saved")
    }

    private func renderSettings(
        _ form: SettingsForm, status: Int, identity: SessionIdentity, context: AccountContext, session: String
    ) throws -> HTTPResponse {
        let now = clock()
        let (log, spKeys, source) = try store.read { tx in
            (
                try tx.log(accountID: context.account.id, limit: 20), try tx.spKeys(accountID: context.account.id),
                MetadataSourceStatus(
                    settings: context.settings, state: try tx.metadataRefreshState(accountID: context.account.id),
                    lastSeen: try tx.metadataCertificatesLastSeen(accountID: context.account.id))
            )
        }
        var values = form.templateValues(now: now, source: source)
        values["title"] = "Authentication settings"
        values["accountName"] = context.account.name
        values["userEmail"] = identity.user.email
        values["csrfToken"] = SessionCSRF.token(forSession: session, purpose: .settings)
        values["settingsVersion"] = String(context.version)
        values["postbackURL"] = context.provider.postbackURL
        values["audienceURI"] = context.provider.audienceURI
        values["spSLOURL"] = context.provider.sloURL
        values["metadataURL"] = context.provider.audienceURI
        values["settingsURL"] = context.provider.settingsURL
        values["logoutURL"] = context.provider.endpointRoot + "/logout"
        values["logoutToken"] = SessionCSRF.token(forSession: session, purpose: .logout)
        values["canTest"] = context.samlReady
        values["testURL"] =
            context.provider.loginURL + "?return_to=" + URLEncoding.queryValue(context.provider.settingsURL + "?test=1")
        values["hasLog"] = !log.isEmpty
        values["log"] = log.map { SettingsForm.logRow($0, hint: Self.hint(for: $0, context: context)) }
        values["spKeys"] = try spKeys.map { key in
            var row = SettingsForm.certificateValues(try Certificate(der: key.certificateDER), now: now)
            row["id"] = key.id
            row["state"] = key.state.rawValue
            row["activatable"] = key.state == .next
            row["removable"] = key.state != .active
            row["retired"] = key.state == .retired
            row["downloadURL"] = context.provider.settingsURL + "?sp_certificate=\(key.id)"
            return row
        }
        return pages.page("settings", status: status, values: values, formRedirectOrigin: sloOrigin(context))
            .with(outcome: "settings_page")
    }

    /// The result of the admin's own latest SAML sign-in attempt, shown after "Test sign-in".
    private func testResult(for identity: SessionIdentity, context: AccountContext) throws -> (String, Bool)? {
        let entries = try store.read { try $0.log(accountID: context.account.id, limit: 20) }
        guard let latest = entries.first(where: { $0.method == .saml }) else { return nil }
        if latest.outcome == .accepted {
            return ("it worked — \(latest.email ?? "the user") signed in through the IdP.", true)
        }
        return ("it failed — \(latest.reason)", false)
    }

    /// `GET …/settings?sp_certificate=ID`: one of the account's SP certificates as a PEM file, for IdP
    /// consoles that want an upload rather than the metadata.
    private func spCertificate(id: String, context: AccountContext) throws -> HTTPResponse {
        guard let id = Int64(id), let key = try store.read({ try $0.spKey(accountID: context.account.id, id: id) })
        else {
            return pages.error(status: 404, title: "Not found", message: "This account has no such SP key.")
                .with(outcome: "not_found")
        }
        let pem = try Certificate(der: key.certificateDER).pem
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "application/x-pem-file"), ("Cache-Control", "no-store"),
                ("Content-Disposition", "attachment; filename=\"\(context.account.slug)-sp-\(key.id).pem\""),
            ],
            body: Array(pem.utf8)
        ).with(outcome: "sp_certificate")
    }

    /// A refused SP key action, with the sentence the page shows.
    struct SPKeyActionProblem: Error {
        let message: String
    }

    /// The page's rollover buttons: `add` (a new `next` key, RSA 2048, 10 years), `activate:ID`,
    /// `remove:ID`; the same store operations as `samlgate sp-key`. Returns the key of the message to show.
    private func spKeyAction(_ action: String, context: AccountContext) -> Result<String, SPKeyActionProblem> {
        let parts = action.split(separator: ":", maxSplits: 1).map(String.init)
        let accountID = context.account.id
        do {
            switch (parts.first, parts.count == 2 ? Int64(parts[1]) : nil) {
            case ("add", _):
                let key: KeyEncryptionKey
                switch secret {
                case .loaded(let loaded): key = loaded
                case .unavailable(let reason):
                    return .failure(SPKeyActionProblem(message: "No key was added: \(reason)"))
                }
                let material = try SPKeyMaterial.generate(
                    bits: 2048, days: 3650, commonName: SPKeySealing.commonName(slug: context.account.slug))
                try store.write { tx in
                    _ = try SPKeySealing.store(material, state: .next, accountID: accountID, key: key, transaction: tx)
                }
                return .success("added")
            case ("activate", let id?):
                try store.write { tx in try tx.activateSPKey(accountID: accountID, id: id, now: clock()) }
                return .success("activated")
            case ("remove", let id?):
                try store.write { tx in try tx.removeSPKey(accountID: accountID, id: id, now: clock()) }
                return .success("removed")
            default:
                return .failure(SPKeyActionProblem(message: "Unknown SP key action."))
            }
        } catch let error as StoreError {
            return .failure(SPKeyActionProblem(message: "\(error)"))
        } catch {
            return .failure(SPKeyActionProblem(message: "The key could not be changed: \(error)"))
        }
    }
}
