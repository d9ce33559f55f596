import ArgumentParser
import Foundation
import Store

/// `samlgate init`: create the database or bring its schema up to date.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database, or apply pending schema migrations.",
        discussion: "Safe to run again: migrations already applied are skipped. Creates the parent folder if missing.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let path = database.path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw CLIError("cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        let store = try Store(path: path, create: true)
        let applied = try store.migrate()
        if applied.isEmpty {
            print("Database \(path) is up to date.")
        } else {
            print("Initialised database \(path) (applied: \(applied.joined(separator: ", "))).")
        }
    }
}
