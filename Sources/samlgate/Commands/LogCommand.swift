import ArgumentParser
import SAML
import Store

/// `samlgate log`: the sign-in log, so an admin sees why a sign-in failed without reading server logs.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show recent sign-ins and sign-outs, newest first, with the reason for each rejection.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var account: AccountOption
    @Flag(help: "Only rejected attempts.") var failures = false
    @Option(help: "How many entries (default 50).") var limit = 50
    @Flag(
        help: """
            Print a JSON array of {time, event (sign_in or sign_out), outcome, email, claimed_email, reason, reference, …, hint}: `email` is a \
            verified identity, `claimed_email` one an unverified message or form only claimed, `hint` where the IdP fixes a refused sign-in \
            (null when there is none).
            """)
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be a positive number") }
    }

    func run() throws {
        let (entries, hints) = try database.openStore().read { tx in
            let stored = try tx.requireAccount(slug: account.account)
            let settings = try tx.samlSettings(accountID: stored.id)
            let provider = ServiceProvider(slug: stored.slug, baseURL: stored.baseURL)
            let entries = try tx.log(accountID: stored.id, failuresOnly: failures, limit: limit)
            return (entries, entries.map { Self.hint(for: $0, settings: settings, provider: provider) })
        }
        if json {
            print(
                JSONValue.array(
                    zip(entries, hints).map { entry, hint in
                        .object([
                            ("time", .string(SAMLTime.format(entry.time))),
                            ("event", .string(entry.event.rawValue)),
                            ("outcome", .string(entry.outcome.rawValue)),
                            ("email", .optional(entry.identityVerified ? entry.email : nil)),
                            ("claimed_email", .optional(entry.identityVerified ? nil : entry.email)),
                            ("reason", .string(entry.reason)),
                            ("reference", .string(entry.reference)), ("method", .string(entry.method.rawValue)),
                            ("failed_check", .optional(entry.failedCheck)), ("expected", .optional(entry.expected)),
                            ("actual", .optional(entry.actual)), ("clock_offset", .optional(entry.clockOffset)),
                            ("client_address", .optional(entry.clientAddress)), ("hint", .optional(hint?.text)),
                        ])
                    }
                ).serialized())
            return
        }
        if entries.isEmpty { print("No sign-in attempts logged for \(account.account).") }
        for (entry, hint) in zip(entries, hints) {
            // An identity no signature vouched for is marked, so a rejected forgery never reads as that user's attempt.
            let who = entry.email.map { entry.identityVerified ? $0 : "\($0) (claimed, not verified)" } ?? "-"
            let event = entry.event == .signOut ? "sign-out" : "sign-in"
            print(
                Terminal.row([
                    SAMLTime.format(entry.time), event, entry.outcome.rawValue, who, entry.reference, entry.reason,
                ]))
            if let hint { print("  hint: " + Terminal.escaped(hint.text)) }
        }
    }

    /// Where in the account's IdP a refused sign-in is fixed, from the settings as they are now (rows of
    /// any age get one); the settings page words its rows the same way.
    static func hint(for entry: SignInLogEntry, settings: SAMLSettings, provider: ServiceProvider) -> SignInHint? {
        guard entry.event == .signIn, entry.outcome == .rejected else { return nil }
        return SignInHint(
            failedCheck: entry.failedCheck, reason: entry.reason, expected: entry.expected, actual: entry.actual,
            idpEntityID: settings.idpEntityID, ssoURL: settings.ssoURL, provider: provider)
    }
}
