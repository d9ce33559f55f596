import ArgumentParser
import Store

/// `--db PATH`, shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The SQLite database file, or a postgresql:// URL (several web nodes sharing one database).",
            discussion: "Default: $SAMLGATE_DB, else \(Store.defaultPath).", valueName: "path-or-url"))
    var db: String?

    /// The resolved path.
    var path: String { Store.resolvePath(db) }

    /// Opens the existing database and checks that its schema is current.
    func openStore() throws -> Store {
        let store = try Store(path: path)
        try store.checkSchema()
        return store
    }
}
