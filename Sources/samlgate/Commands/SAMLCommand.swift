import Admin
import ArgumentParser
import Credentials
import Foundation
import SAML
import Store

/// `samlgate saml …`: what to give the IdP, and what the IdP gave back.
struct SAMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml", abstract: "Show and change an account's SAML settings.",
        subcommands: [Show.self, Set.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the Post-back URL and Audience URI to give the IdP, and the current SAML settings.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Flag(help: "Print a JSON object (postback_url, audience_uri, enabled, sso_url, certificates, …).")
        var json = false

        func run() throws {
            let (account, settings, spKeys) = try database.openStore().read { tx in
                let account = try tx.requireAccount(slug: self.account.account)
                return (
                    account, try tx.samlSettings(accountID: account.id),
                    try SettingsReport.withCertificates(tx.spKeys(accountID: account.id))
                )
            }
            print(
                json
                    ? SettingsReport.json(account: account, settings: settings, spKeys: spKeys)
                    : SettingsReport.text(account: account, settings: settings, spKeys: spKeys))
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
        @Option(help: ArgumentHelp("Tolerated clock difference with the IdP.", valueName: "seconds")) var clockSkew:
            Int?
        @Option(help: ArgumentHelp("Longest session.", valueName: "seconds")) var sessionLifetime: Int?
        @Option(
            help: ArgumentHelp(
                "How long sign-in log rows are kept (default 90 days = 7776000; 1 day to 10 years).",
                valueName: "seconds"))
        var logRetention: Int?

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
            let (account, settings, spKeys) = try store.write { tx in
                let account = try tx.requireAccount(slug: self.account.account)
                let current = try tx.samlSettings(accountID: account.id)
                var change = change
                if let metadata, let idpMetadata {
                    try change.fill(
                        from: metadata, source: idpMetadata, stored: current.requestBinding,
                        storedLogout: current.sloBinding)
                }
                let updated = try change.applied(to: current)
                try tx.saveSAMLSettings(accountID: account.id, updated)
                return (account, updated, try SettingsReport.withCertificates(tx.spKeys(accountID: account.id)))
            }
            print("Saved.")
            print(SettingsReport.text(account: account, settings: settings, spKeys: spKeys))
        }
    }
}

extension SAMLSettings.RequestBinding: ExpressibleByArgument {}
