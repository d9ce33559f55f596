import ArgumentParser
import SAML
import Store

/// `samlgate session …`: who is signed in, and ending sessions.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "List and revoke sessions.", subcommands: [List.self, Revoke.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's active sessions.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Flag(help: "Print a JSON array of {email, created_at, expires_at, auth_method}.") var json = false

        func run() throws {
            let sessions = try database.openStore().read { tx in
                try tx.sessions(accountID: account.id(in: tx))
            }
            if json {
                print(
                    JSONValue.array(
                        sessions.map { session in
                            .object([
                                ("email", .string(session.email)),
                                ("created_at", .string(SAMLTime.format(session.createdAt))),
                                ("expires_at", .string(SAMLTime.format(session.expiresAt))),
                                ("auth_method", .string(session.authMethod.rawValue)),
                            ])
                        }
                    ).serialized())
                return
            }
            if sessions.isEmpty { print("No active sessions in \(account.account).") }
            for session in sessions {
                print(
                    Terminal.row([
                        session.email, session.authMethod.rawValue, SAMLTime.format(session.createdAt),
                        "expires " + SAMLTime.format(session.expiresAt),
                    ]))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End sessions now: one user's (--email) or everyone's (--all).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "End this user's sessions.") var email: String?
        @Flag(help: "End every session of the account.") var all = false

        func validate() throws {
            guard (email != nil) != all else { throw ValidationError("give exactly one of --email E or --all") }
        }

        func run() throws {
            let count = try database.openStore().write { tx in
                try tx.revokeSessions(accountID: account.id(in: tx), email: email)
            }
            print("Revoked \(count) session\(count == 1 ? "" : "s").")
        }
    }
}
