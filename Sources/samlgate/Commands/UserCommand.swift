import ArgumentParser
import Credentials
import Store

/// `samlgate user …`: the people who may sign in. SSO never creates users; admins do, here.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, list, disable, enable and remove users; set passwords.",
        subcommands: [Add.self, List.self, SetPassword.self, Disable.self, Enable.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user.",
            discussion: """
                Emails are unique per account, compared case-insensitively. Each account has exactly one owner, \
                who can always sign in with a password, even when SAML sign-in is forced.
                Example: echo 'a long passphrase' | samlgate user add --account acme --email me@example.com \
                --role owner --password-stdin
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "Email address (the identity the IdP must send).") var email: String
        @Option(help: "owner, admin or user.") var role: Role
        @Option(help: "Given name.") var givenName: String?
        @Option(help: "Family name.") var familyName: String?
        @Flag(help: "Read a password (at least 8 characters) from the first line of standard input.")
        var passwordStdin = false

        func run() throws {
            let store = try database.openStore()
            let hash = try passwordStdin ? PasswordHasher().hash(Terminal.readPasswordFromStandardInput()) : nil
            let user = try store.write { tx in
                let account = try tx.requireAccount(slug: account.account)
                return try tx.addUser(
                    accountID: account.id, email: email, role: role, givenName: givenName, familyName: familyName,
                    passwordHash: hash)
            }
            print(
                "Added \(user.role.rawValue) \(user.email) to \(account.account)\(hash != nil ? " with a password" : "")."
            )
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's users.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Flag(help: "Print a JSON array of {email, given_name, family_name, role, disabled, has_password}.")
        var json = false

        func run() throws {
            let users = try database.openStore().read { tx in
                try tx.users(accountID: account.id(in: tx))
            }
            if json {
                print(
                    JSONValue.array(
                        users.map { user in
                            .object([
                                ("email", .string(user.email)), ("given_name", .optional(user.givenName)),
                                ("family_name", .optional(user.familyName)), ("role", .string(user.role.rawValue)),
                                ("disabled", .bool(user.disabled)), ("has_password", .bool(user.hasPassword)),
                            ])
                        }
                    ).serialized())
                return
            }
            if users.isEmpty { print("No users in \(account.account).") }
            for user in users {
                let name = [user.givenName, user.familyName].compactMap { $0 }.joined(separator: " ")
                var flags: [String] = []
                if user.disabled { flags.append("disabled") }
                if user.hasPassword { flags.append("password") }
                print(Terminal.row([user.email, user.role.rawValue, name, flags.joined(separator: ",")]))
            }
        }
    }

    struct SetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password", abstract: "Set a user's password, read from standard input.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "The user's email.") var email: String
        @Flag(help: "Read the password from the first line of standard input (required).") var passwordStdin = false

        func validate() throws {
            guard passwordStdin else {
                throw ValidationError("--password-stdin is required: passwords are never taken on the command line")
            }
        }

        func run() throws {
            let store = try database.openStore()
            let hash = PasswordHasher().hash(try Terminal.readPasswordFromStandardInput())
            try store.write { tx in
                try tx.setPasswordHash(
                    accountID: account.id(in: tx), email: email, passwordHash: hash)
            }
            print("Password set for \(email).")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: no sign-in by any method; their sessions end now.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "The user's email.") var email: String

        func run() throws {
            try UserCommand.setDisabled(true, email: email, database: database, account: account)
            print("Disabled \(email).")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "The user's email.") var email: String

        func run() throws {
            try UserCommand.setDisabled(false, email: email, database: database, account: account)
            print("Enabled \(email).")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a user and their sessions (the owner cannot be removed).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "The user's email.") var email: String

        func run() throws {
            try database.openStore().write { tx in
                try tx.removeUser(accountID: account.id(in: tx), email: email)
            }
            print("Removed \(email).")
        }
    }

    /// `user disable` and `user enable`: one write that turns the user's sign-in off (ending their
    /// sessions) or on again.
    static func setDisabled(
        _ disabled: Bool, email: String, database: DatabaseOptions, account: AccountOption
    ) throws {
        try database.openStore().write { tx in
            try tx.setDisabled(accountID: account.id(in: tx), email: email, disabled: disabled)
        }
    }
}

extension Role: ExpressibleByArgument {}
