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
            Print a JSON array of {time, event (sign_in or sign_out), outcome, email, claimed_email, reason, reference, …}: `email` is a verified \
            identity, `claimed_email` one an unverified message or form only claimed.
            """)
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be a positive number") }
    }

    func run() throws {
        let entries = try database.openStore().read { tx in
            try tx.log(accountID: account.id(in: tx), failuresOnly: failures, limit: limit)
        }
        if json {
            print(
                JSONValue.array(
                    entries.map { entry in
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
                            ("client_address", .optional(entry.clientAddress)),
                        ])
                    }
                ).serialized())
            return
        }
        if entries.isEmpty { print("No sign-in attempts logged for \(account.account).") }
        for entry in entries {
            // An identity no signature vouched for is marked, so a rejected forgery never reads as that user's attempt.
            let who = entry.email.map { entry.identityVerified ? $0 : "\($0) (claimed, not verified)" } ?? "-"
            let event = entry.event == .signOut ? "sign-out" : "sign-in"
            print(
                Terminal.row([
                    SAMLTime.format(entry.time), event, entry.outcome.rawValue, who, entry.reference, entry.reason,
                ]))
        }
    }
}
