import Admin
import ArgumentParser
import Credentials
import Fetch
import Foundation
import SAML
import Store

/// `samlgate saml …`: what to give the IdP, and what the IdP gave back.
struct SAMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml", abstract: "Show and change an account's SAML settings.",
        subcommands: [Show.self, Set.self, Refresh.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the Post-back URL and Audience URI to give the IdP, and the current SAML settings.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Flag(help: "Print a JSON object (postback_url, audience_uri, enabled, sso_url, certificates, …).")
        var json = false

        func run() throws {
            let report = try database.openStore().read { tx in
                try SettingsReport.read(slug: self.account.account, in: tx)
            }
            print(json ? report.json() : report.text())
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the account's IdP metadata URL now and apply it (for cron or a systemd timer).",
            discussion: """
                The responder refreshes on its own schedule; this fetches at once, whatever the schedule. A \
                document that fails a check (parse, signature when pinned, validUntil, entityID, signing \
                certificate) changes nothing: the reason is printed, recorded for the settings page and the \
                exit status is 1.
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: ArgumentHelp("Give up a fetch after this many seconds (default 30).", valueName: "seconds"))
        var timeout: Int?

        func validate() throws {
            if let timeout, !(1...300).contains(timeout) { throw ValidationError("--timeout must be 1 to 300 seconds") }
        }

        func run() throws {
            let store = try database.openStore()
            let refresher = MetadataRefresher(store: store, fetcher: MetadataFetching.fetcher(timeout: timeout))
            let result = try refresher.refresh(slug: account.account)
            switch result.outcome {
            case .applied(let update, let changed):
                print(MetadataFetching.summary(update, changed: changed))
                if let next = result.nextFetchAt { print("Next fetch by the responder: \(SAMLTime.format(next))") }
            case .refused(let refusal):
                throw CLIError("the metadata was not applied (nothing changed): \(refusal)")
            case .skipped:
                print("Nothing done: the metadata URL changed during the fetch.")
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change SAML settings; options not given stay as they are.",
            discussion: """
                --cert replaces the certificate list with the files given (repeat it for several, e.g. during a \
                rollover). --idp-metadata reads the SSO URL and binding, the Single Logout URL, the entity ID and the \
                signing certificates from the IdP's metadata. \
                Files may be PEM (one or more BEGIN CERTIFICATE blocks), CER/DER, or bare base64 DER; \
                anything else is refused and nothing is changed. Enabling needs an SSO URL (https; http only on \
                localhost) and at least one certificate. The whole change is saved in one transaction.
                """)

        enum Enablement: EnumerableFlag {
            case enable, disable
            static func help(for value: Enablement) -> ArgumentHelp? {
                value == .enable ? "Turn SAML sign-in on." : "Turn SAML sign-in off."
            }
        }

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: ArgumentHelp("The IdP's Single Sign-On URL.", valueName: "url")) var ssoURL: String?
        @Option(help: ArgumentHelp("An IdP signing certificate file (repeatable).", valueName: "file"))
        var cert: [String] = []
        @Option(help: ArgumentHelp("Require this IdP Issuer (empty string: accept any).", valueName: "id"))
        var idpEntityID: String?
        @Option(
            help: ArgumentHelp(
                "The IdP's SAML metadata XML: fills the SSO URL, IdP entity ID and certificates (explicit options win).",
                valueName: "file"))
        var idpMetadata: String?
        @Option(
            help: ArgumentHelp(
                "Keep the settings current from the IdP's metadata at this URL (https; http only on localhost): fetched "
                    + "and applied now (the save fails if it cannot be), then refreshed by the responder. An empty "
                    + "string stops refreshing (the certificates stay, as uploaded ones).",
                valueName: "url"))
        var idpMetadataURL: String?
        @Option(
            help: ArgumentHelp(
                "With a metadata URL: the certificate the document's XML signature must verify with (empty string: "
                    + "no pinned signature).",
                valueName: "file"))
        var metadataSigningCert: String?
        @Option(
            help: ArgumentHelp(
                "Seconds between metadata fetches (default 21600 = 6 h; sooner when the document says so).",
                valueName: "seconds"))
        var metadataRefresh: Int?
        @Option(
            help: ArgumentHelp(
                "How long a certificate gone from the metadata stays trusted (default 604800 = 7 days).",
                valueName: "seconds"))
        var metadataCertGrace: Int?
        @Option(
            help: ArgumentHelp("Give up the metadata fetch after this many seconds (default 30).", valueName: "seconds")
        )
        var fetchTimeout: Int?
        @Flag var enablement: Enablement?
        @Flag(
            name: .customLong("force"), inversion: .prefixedNo, help: "Force SAML sign-in (the owner keeps a password)."
        )
        var force: Bool?
        @Flag(
            name: .customLong("allow-sha1"), inversion: .prefixedNo, help: "Accept SHA-1 signatures (not recommended).")
        var allowSHA1: Bool?
        @Flag(
            name: .customLong("allow-idp-initiated"), inversion: .prefixedNo,
            help: "Accept sign-ins started at the IdP (app tiles).")
        var allowIdPInitiated: Bool?
        @Flag(
            name: .customLong("sign-requests"), inversion: .prefixedNo,
            help: "Sign AuthnRequests with the account's active SP key (default on; IdPs such as Keycloak require it).")
        var signRequests: Bool?
        @Flag(
            name: .customLong("require-encryption"), inversion: .prefixedNo,
            help: "Accept only encrypted assertions (the IdP encrypts to the SP certificate in the metadata).")
        var requireEncryption: Bool?
        @Option(
            help: ArgumentHelp(
                "How AuthnRequests reach the IdP: redirect (HTTP-Redirect) or post (HTTP-POST, for IdPs that offer "
                    + "only it); --idp-metadata sets it from the IdP's SSO bindings.",
                valueName: "binding"))
        var requestBinding: SAMLSettings.RequestBinding?
        @Option(
            help: ArgumentHelp(
                "The IdP's Single Logout URL: signing out then also ends the IdP session (empty string: sign out of "
                    + "samlgate only); --idp-metadata fills it from the IdP's SingleLogoutService.",
                valueName: "url"))
        var sloURL: String?
        @Option(
            help: ArgumentHelp(
                "An application session cookie every sign-out expires (repeatable; replaces the list; an empty value "
                    + "clears it).",
                valueName: "name"))
        var appLogoutCookie: [String] = []
        @Option(
            help: ArgumentHelp(
                "A domain SAML identities must be in, such as acme.test (repeatable; replaces the list; an empty "
                    + "value clears it: any domain).",
                valueName: "domain"))
        var emailDomain: [String] = []
        @Option(
            help: ArgumentHelp(
                "The attribute that lists the user's groups (empty: the first present of groups, memberOf, "
                    + "isMemberOf, Entra ID's and ADFS's group claims, urn:oid:1.3.6.1.4.1.5923.1.5.1.1).",
                valueName: "name"))
        var groupAttribute: String?
        @Option(
            help: ArgumentHelp(
                "A group one of which a SAML sign-in needs (repeatable; replaces the list; an empty value clears "
                    + "it).",
                valueName: "group"))
        var requiredGroup: [String] = []
        @Option(
            help: ArgumentHelp(
                "A group whose members each SAML sign-in makes admin, everyone else user; the owner keeps its role "
                    + "(repeatable; replaces the list; an empty value clears it: roles stay as set with `user`).",
                valueName: "group"))
        var adminGroup: [String] = []
        @Option(help: ArgumentHelp("Tolerated clock difference with the IdP.", valueName: "seconds")) var clockSkew:
            Int?
        @Option(help: ArgumentHelp("Longest session.", valueName: "seconds")) var sessionLifetime: Int?
        @Option(
            help: ArgumentHelp(
                "How long sign-in log rows are kept (default 90 days = 7776000; 1 day to 10 years).",
                valueName: "seconds"))
        var logRetention: Int?

        func validate() throws {
            if idpMetadata != nil, idpMetadataURL.map({ !$0.isEmpty }) == true {
                throw ValidationError("give either --idp-metadata or --idp-metadata-url, not both")
            }
            if let fetchTimeout, !(1...300).contains(fetchTimeout) {
                throw ValidationError("--fetch-timeout must be 1 to 300 seconds")
            }
        }

        func run() throws {
            let store = try database.openStore()
            var change = SAMLSettingsChange()
            change.ssoURL = ssoURL
            change.idpEntityID = idpEntityID
            if !cert.isEmpty {
                change.certificateFiles = try cert.map { path in
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw CLIError("cannot read certificate file \(path)")
                    }
                    return (name: path, bytes: [UInt8](data))
                }
            }
            change.signRequests = signRequests
            change.requireEncryption = requireEncryption
            change.requestBinding = requestBinding
            if let sloURL {
                change.sloURL = sloURL
                change.sloResponseURL = ""
            }
            if !appLogoutCookie.isEmpty { change.appLogoutCookies = appLogoutCookie }
            if !emailDomain.isEmpty { change.emailDomains = emailDomain }
            change.groupAttribute = groupAttribute
            if !requiredGroup.isEmpty { change.requiredGroups = requiredGroup }
            if !adminGroup.isEmpty { change.adminGroups = adminGroup }
            var metadata: IdentityProviderMetadata?
            if let idpMetadata {
                guard let data = FileManager.default.contents(atPath: idpMetadata) else {
                    throw CLIError("cannot read IdP metadata file \(idpMetadata)")
                }
                do {
                    metadata = try IdentityProviderMetadata(xml: [UInt8](data))
                } catch {
                    throw CLIError("\(idpMetadata): \(error)")
                }
            }
            change.enabled = enablement.map { $0 == .enable }
            change.forceSAML = force
            change.allowSHA1 = allowSHA1
            change.allowIdPInitiated = allowIdPInitiated
            change.clockSkew = clockSkew
            change.sessionLifetime = sessionLifetime
            change.logRetention = logRetention
            change.metadataRefresh = metadataRefresh
            change.metadataCertGrace = metadataCertGrace
            let source = try metadataSource()
            // The document is fetched before the transaction, so a slow IdP never holds the write lock.
            var document: [UInt8]?
            if let source, source.needsFetch {
                let url =
                    try source.url.flatMap { $0.isEmpty ? nil : $0 }
                    ?? store.read { tx in
                        try tx.samlSettings(accountID: tx.requireAccount(slug: self.account.account).id).idpMetadataURL
                    }
                guard let url else {
                    throw CLIError("--metadata-signing-cert needs a metadata URL (--idp-metadata-url)")
                }
                if let reason = FetchURLRule.problem(with: url) {
                    throw SettingsError.invalidMetadataURL(url, reason: reason)
                }
                document = try MetadataFetching.fetch(url, timeout: fetchTimeout)
            }
            var applied: MetadataUpdate?
            let report = try store.write { tx in
                let account = try tx.requireAccount(slug: self.account.account)
                var current = try tx.lockedSAMLSettings(accountID: account.id)
                var change = change
                if let metadata, let idpMetadata {
                    try change.fill(
                        from: metadata, source: idpMetadata, stored: current.requestBinding,
                        storedLogout: current.sloBinding)
                }
                var replaces = false
                if let source { (current, replaces) = source.settingUp(current) }
                var updated = try change.applied(to: current, validating: document == nil)
                if let document, updated.idpMetadataURL != nil {
                    let now = Date()
                    let update: MetadataUpdate
                    do {
                        update = try MetadataApplication.apply(
                            document, to: updated, lastSeen: tx.metadataCertificatesLastSeen(accountID: account.id),
                            now: now, replacingCertificates: replaces)
                    } catch {
                        throw CLIError("the IdP metadata was not applied (nothing changed): \(error)")
                    }
                    updated = update.settings
                    applied = update
                    try tx.saveSAMLSettings(accountID: account.id, updated, now: now)
                    try tx.markMetadataCertificatesSeen(
                        accountID: account.id, sha256s: update.metadata.certificates.map(\.sha256), now: now)
                    try tx.recordMetadataRefresh(
                        accountID: account.id, now: now, error: nil,
                        nextFetchAt: MetadataRefresher.nextFetch(
                            after: now, settings: updated, metadata: update.metadata),
                        documentSHA256: update.documentSHA256)
                } else {
                    try tx.saveSAMLSettings(accountID: account.id, updated)
                }
                return try SettingsReport.read(slug: account.slug, in: tx)
            }
            print("Saved.")
            if let applied { print(MetadataFetching.summary(applied, changed: true)) }
            print(report.text())
        }

        /// The metadata URL part of the change: nil when neither the URL nor its signing certificate is given.
        private func metadataSource() throws -> MetadataSourceChange? {
            guard idpMetadataURL != nil || metadataSigningCert != nil else { return nil }
            var pinned: Certificate??
            if let metadataSigningCert {
                if metadataSigningCert.isEmpty {
                    pinned = .some(nil)
                } else {
                    guard let data = FileManager.default.contents(atPath: metadataSigningCert) else {
                        throw CLIError("cannot read metadata signing certificate file \(metadataSigningCert)")
                    }
                    let certificates: [Certificate]
                    do {
                        certificates = try CertificateImporter.certificates(from: [UInt8](data))
                    } catch {
                        throw CLIError("\(metadataSigningCert): \(error)")
                    }
                    guard certificates.count == 1 else {
                        throw CLIError("\(metadataSigningCert): give exactly one metadata signing certificate")
                    }
                    pinned = .some(certificates[0])
                }
            }
            return MetadataSourceChange(url: idpMetadataURL, pinned: pinned, uploadsCertificates: !cert.isEmpty)
        }
    }
}

extension SAMLSettings.RequestBinding: ExpressibleByArgument {}
