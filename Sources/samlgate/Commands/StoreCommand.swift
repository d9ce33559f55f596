import ArgumentParser
import Foundation
import Store

/// `samlgate store …`: the database itself.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Move a samlgate database.", subcommands: [Copy.self])

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy everything from one database to another (e.g. a SQLite file to PostgreSQL).",
            discussion: """
                Copies every table — accounts, users, settings, certificates, SP keys (still sealed: the same \
                secret file opens them), sessions, pending requests, the replay cache, the sign-in log and its \
                counters — in one transaction: the target gets all of it or nothing. The target is created or \
                migrated first and must hold no rows. Stop the responders (or accept that sign-ins made during \
                the copy stay behind), copy, then point every node at the target with --db or $SAMLGATE_DB.
                """)

        @Option(
            help: ArgumentHelp("The database to copy from (a SQLite file or a postgresql:// URL).", valueName: "db"))
        var from: String

        @Option(help: ArgumentHelp("The database to copy into, new or empty.", valueName: "db"))
        var to: String

        func run() throws {
            let source = try Store(path: from)
            let target = try Store(path: to, create: true)
            try target.migrate()
            let copied = try target.copy(from: source) { table, rows in
                print("  \(table): \(rows) row\(rows == 1 ? "" : "s")")
            }
            let total = copied.reduce(0) { $0 + $1.rows }
            print(
                "Copied \(total) rows in \(copied.count) tables from \(source.path) to \(target.path). Point every node "
                    + "at the new database (--db or $SAMLGATE_DB); the secret file stays the same.")
        }
    }
}
