import Admin
import Credentials
import Foundation
import SAML
import Store

/// The settings form's state: what the admin entered (kept on errors), errors by field, and the
/// certificates it would save.
struct SettingsForm {
    var enabled: Bool
    var ssoURL: String
    var idpEntityID: String
    var forceSAML: Bool
    var allowSHA1: Bool
    var allowIdPInitiated: Bool
    var signRequests: Bool
    var requireEncryption: Bool
    var requestBinding: SAMLSettings.RequestBinding
    var sloURL: String
    var sloResponseURL: String
    var sloBinding: SAMLSettings.RequestBinding
    /// The application logout cookies, comma- or space-separated as typed.
    var appLogoutCookies: String
    /// The email domains, comma- or space-separated as typed.
    var emailDomains: String
    var groupAttribute: String
    /// The required and admin groups, one per line (a group name may hold commas and spaces).
    var requiredGroups: String
    var adminGroups: String
    var clockSkew: String
    var sessionLifetime: String
    var certificates: [Certificate]
    var pendingCertificates: [Certificate] = []
    var removed: Set<String> = []
    var uploads: [(name: String, bytes: [UInt8])] = []
    var idpMetadata = ""
    var errors: [String: String] = [:]
    var saved = false
    /// The save was refused because the settings changed after the page was loaded; they are shown as now.
    var changedMeanwhile = false
    /// What the last rollover action did, shown after its redirect.
    var spKeyDone: String?
    var metadataOpen = false
    var testResult: (String, Bool)?

    /// The form as the stored settings fill it.
    init(settings: SAMLSettings) {
        enabled = settings.enabled
        ssoURL = settings.ssoURL ?? ""
        idpEntityID = settings.idpEntityID ?? ""
        forceSAML = settings.forceSAML
        allowSHA1 = settings.allowSHA1
        allowIdPInitiated = settings.allowIdPInitiated
        signRequests = settings.signRequests
        requireEncryption = settings.requireEncryption
        requestBinding = settings.requestBinding
        sloURL = settings.sloURL ?? ""
        sloResponseURL = settings.sloResponseURL ?? ""
        sloBinding = settings.sloBinding
        appLogoutCookies = settings.appLogoutCookies.joined(separator: ", ")
        emailDomains = settings.emailDomains.joined(separator: ", ")
        groupAttribute = settings.groupAttribute ?? ""
        requiredGroups = settings.requiredGroups.joined(separator: "\n")
        adminGroups = settings.adminGroups.joined(separator: "\n")
        clockSkew = String(settings.clockSkew)
        sessionLifetime = String(settings.sessionLifetime)
        certificates = settings.certificates
    }

    /// The form as posted (unchecked boxes are absent, so false).
    init(posted form: MultipartForm, current: SAMLSettings) {
        self.init(settings: current)
        enabled = form.single("enabled") != nil
        ssoURL = (form.single("sso_url") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        idpEntityID = (form.single("idp_entity_id") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        forceSAML = form.single("force_saml") != nil
        allowSHA1 = form.single("allow_sha1") != nil
        allowIdPInitiated = form.single("allow_idp_initiated") != nil
        signRequests = form.single("sign_requests") != nil
        requireEncryption = form.single("require_encryption") != nil
        if let binding = form.single("request_binding") {
            if let known = SAMLSettings.RequestBinding(rawValue: binding) {
                requestBinding = known
            } else {
                errors["request_binding"] = "Choose HTTP-Redirect or HTTP-POST."
            }
        }
        if let posted = form.single("slo_url") {
            let trimmed = posted.trimmingCharacters(in: .whitespacesAndNewlines)
            // A Single Logout URL typed by hand has no separate response URL.
            if trimmed != sloURL { sloResponseURL = "" }
            sloURL = trimmed
        }
        appLogoutCookies = form.single("app_logout_cookies") ?? appLogoutCookies
        emailDomains = form.single("email_domains") ?? emailDomains
        groupAttribute = form.single("group_attribute") ?? groupAttribute
        requiredGroups = form.single("required_groups") ?? requiredGroups
        adminGroups = form.single("admin_groups") ?? adminGroups
        clockSkew = (form.single("clock_skew") ?? clockSkew).trimmingCharacters(in: .whitespaces)
        sessionLifetime = (form.single("session_lifetime") ?? sessionLifetime).trimmingCharacters(in: .whitespaces)
        removed = Set(form.all("remove_certificate"))
        uploads = form.files("certificate").map { (name: $0.filename ?? "certificate", bytes: $0.bytes) }
        idpMetadata = form.single("idp_metadata") ?? ""
        // An uploaded metadata file wins over the text box (the IdP's "download metadata" button).
        if let file = form.files("idp_metadata_file").first, !file.bytes.isEmpty {
            idpMetadata = String(decoding: file.bytes, as: UTF8.self)
        }
        for value in form.all("pending_certificate") {
            if let der = StrictBase64.decode(value), let certificate = try? Certificate(der: der) {
                pendingCertificates.append(certificate)
            }
        }
    }

    /// Fills SSO URL, entity ID and pending certificates from the pasted metadata, for review.
    mutating func loadMetadata() {
        metadataOpen = true
        do {
            let metadata = try IdentityProviderMetadata(xml: Array(idpMetadata.utf8))
            let service = metadata.ssoService(preferring: requestBinding.ssoBinding)
            ssoURL = service.url
            requestBinding = SAMLSettings.RequestBinding(service.binding)
            if let logout = metadata.sloService(preferring: sloBinding.ssoBinding) {
                sloURL = logout.endpoint.location
                sloResponseURL = logout.endpoint.responseLocation ?? ""
                sloBinding = SAMLSettings.RequestBinding(logout.binding)
            }
            if metadata.wantsAuthnRequestsSigned { signRequests = true }
            idpEntityID = metadata.entityID
            let known = Set(certificates.map(\.sha256))
            pendingCertificates = metadata.certificates.filter { !known.contains($0.sha256) }
            metadataOpen = false
        } catch {
            errors["idp_metadata"] = "\(error)"
        }
    }

    /// The settings to save, or nil with `errors` filled. Nothing is written by this.
    ///
    /// The form becomes a ``SAMLSettingsChange``, so the page and `samlgate saml set` merge and
    /// validate the same way; only reading the fields is the page's own.
    mutating func validatedSettings(current: SAMLSettings) -> SAMLSettings? {
        var change = SAMLSettingsChange()
        change.enabled = enabled
        change.ssoURL = ssoURL
        change.idpEntityID = idpEntityID
        change.forceSAML = forceSAML
        change.allowSHA1 = allowSHA1
        change.allowIdPInitiated = allowIdPInitiated
        change.signRequests = signRequests
        change.requireEncryption = requireEncryption
        change.requestBinding = requestBinding
        change.sloURL = sloURL
        change.sloResponseURL = sloResponseURL
        change.sloBinding = sloBinding
        change.appLogoutCookies = appLogoutCookies.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(
            String.init)
        change.emailDomains = emailDomains.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        change.groupAttribute = groupAttribute
        change.requiredGroups = requiredGroups.split(whereSeparator: \.isNewline).map(String.init)
        change.adminGroups = adminGroups.split(whereSeparator: \.isNewline).map(String.init)
        if let skew = Int(clockSkew) {
            change.clockSkew = skew
        } else {
            errors["clock_skew"] = "Enter a number of seconds."
        }
        if let lifetime = Int(sessionLifetime) {
            change.sessionLifetime = lifetime
        } else {
            errors["session_lifetime"] = "Enter a number of seconds."
        }
        change.certificates = current.certificates.filter { !removed.contains($0.sha256) } + pendingCertificates
        change.certificateFiles = uploads
        do throws(SettingsError) {
            let settings = try change.applied(to: current)
            return errors.isEmpty ? settings : nil
        } catch {
            // A refused upload is reported next to a field that did not read as a number; the rules
            // themselves are only judged on a form whose fields all read.
            let refusedUpload = if case .certificate = error { true } else { false }
            if refusedUpload || errors.isEmpty { errors[error.field] = error.description }
        }
        return nil
    }

    /// The page's values; `source` says where the stored settings come from (the metadata URL, if any).
    func templateValues(now: Date, source: MetadataSourceStatus? = nil) -> [String: Any] {
        var values: [String: Any] = [
            "enabled": enabled, "ssoURL": ssoURL, "idpEntityID": idpEntityID, "forceSAML": forceSAML,
            "allowSHA1": allowSHA1, "allowIdPInitiated": allowIdPInitiated, "clockSkew": clockSkew,
            "signRequests": signRequests, "requireEncryption": requireEncryption,
            "bindingRedirect": requestBinding == .redirect, "bindingPost": requestBinding == .post,
            "sloURL": sloURL, "sloBindingPost": sloBinding == .post,
            "appLogoutCookies": appLogoutCookies, "emailDomains": emailDomains, "groupAttribute": groupAttribute,
            "requiredGroups": requiredGroups, "adminGroups": adminGroups,
            "sessionLifetime": sessionLifetime, "idpMetadata": idpMetadata, "errors": errors, "saved": saved,
            "metadataOpen": metadataOpen || errors["idp_metadata"] != nil,
            "certificates": certificates.map { certificate -> [String: Any] in
                var values = Self.certificateValues(certificate, now: now)
                values["origin"] = source?.origin(of: certificate.sha256) ?? "uploaded"
                return values
            },
            "pendingCertificates": pendingCertificates.map { certificate -> [String: Any] in
                var values = Self.certificateValues(certificate, now: now)
                values["base64"] = Data(certificate.der).base64EncodedString()
                return values
            },
        ]
        if let source, let sourceValues = Self.sourceValues(source, now: now) {
            values["metadataSource"] = sourceValues
        }
        // Mustache shows a section for an empty string too: only a response URL that is there is given.
        if !sloResponseURL.isEmpty { values["sloResponseURL"] = sloResponseURL }
        if let spKeyDone { values["spKeyDone"] = spKeyDone }
        if !errors.isEmpty { values["formError"] = "Nothing was saved: please correct the fields marked below." }
        if changedMeanwhile {
            values["formError"] =
                "Nothing was saved: these settings were changed elsewhere (another admin, the CLI or a metadata "
                + "refresh) after you opened this page. They are shown as they are now; make your change again."
        }
        if let (text, ok) = testResult {
            values["testResult"] = text
            values["testClass"] = ok ? "success" : "error"
        }
        return values
    }

    /// The confirmations of the rollover buttons, by the `sp_key` value of their redirect.
    static let spKeyMessages = [
        "added": "A next key was added. Give the IdP the updated metadata, then activate it.",
        "activated": "The next key is now active; the previous one is retired and still decrypts.",
        "removed": "The key was removed.",
    ]

    /// The metadata URL block: where the settings come from, the last fetch and its result, the next one,
    /// and the warning when refreshes have failed for more than a day; nil without a metadata URL.
    static func sourceValues(_ source: MetadataSourceStatus, now: Date) -> [String: Any]? {
        guard let url = source.settings.idpMetadataURL else { return nil }
        let time = { (date: Date) in SAMLTime.format(date).replacingOccurrences(of: "T", with: " ") }
        var values: [String: Any] = [
            "url": url, "refresh": source.settings.metadataRefresh,
            "lastFetch": source.state?.lastAttemptAt.map(time) ?? "never",
            "lastSuccess": source.state?.lastSuccessAt.map(time) ?? "never",
            "nextFetch": source.state.map { time($0.nextFetchAt) } ?? "soon",
        ]
        if let pinned = source.settings.metadataSigningCertificate { values["pinned"] = pinned.sha256 }
        if let error = source.state?.lastError { values["lastError"] = error }
        if let warning = source.failingWarning(now: now) { values["failing"] = warning }
        return values
    }

    static func certificateValues(_ certificate: Certificate, now: Date) -> [String: Any] {
        [
            "subject": certificate.subject, "sha256": certificate.sha256,
            "notAfter": SAMLTime.format(certificate.notAfter).replacingOccurrences(of: "T", with: " "),
            "expired": certificate.isExpired(at: now), "expiresSoon": certificate.expiresSoon(at: now),
            "daysLeft": max(0, Int(certificate.notAfter.timeIntervalSince(now) / 86_400)),
        ]
    }

    /// One sign-in log row for the page; `hint` says where in the IdP a refusal is fixed (``SignInHint``).
    static func logRow(_ entry: SignInLogEntry, hint: SignInHint?) -> [String: Any] {
        var row: [String: Any] = [
            "time": SAMLTime.format(entry.time).replacingOccurrences(of: "T", with: " ").replacingOccurrences(
                of: "Z", with: ""),
            "email": entry.email ?? "—", "claimed": entry.email != nil && !entry.identityVerified,
            "outcome": entry.outcome.rawValue,
            "resultClass": entry.outcome == .accepted ? "ok" : "bad", "reference": entry.reference,
            // The stored reason starts with the check's name ("audience: …"); the page shows the check below.
            "reason": entry.failedCheck.map {
                entry.reason.hasPrefix($0 + ": ") ? String(entry.reason.dropFirst($0.count + 2)) : entry.reason
            }
                ?? entry.reason,
        ]
        if let check = entry.failedCheck { row["check"] = check.replacingOccurrences(of: "_", with: " ") }
        if let expected = entry.expected { row["expected"] = expected }
        if let actual = entry.actual { row["actual"] = actual }
        if let hint { row["hint"] = hint.text }
        if let offset = entry.clockOffset, abs(offset) >= 1 {
            row["clock"] = "Our clock is \(abs(offset)) s \(offset > 0 ? "ahead of" : "behind") the IdP's IssueInstant."
        }
        return row
    }
}
