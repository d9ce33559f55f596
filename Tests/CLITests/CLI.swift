import Foundation
import TestSupport

/// Runs the built `samlgate` binary against a temporary database, as an admin would.
final class CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// The stdout parsed as JSON.
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
        }
    }

    let folder: URL
    /// The database the commands use: a file in ``folder``, or a new PostgreSQL database (``TestDatabase``).
    let databasePath: String
    /// The secret file the commands use (through `SAMLGATE_SECRET_FILE`), beside the database.
    var secretPath: String { folder.appendingPathComponent("secret.key").path }

    /// The build folder holding both the test bundle and the executables.
    static let binary: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // On Linux the test runner is `<build>/samlgatePackageTests.xctest`; elsewhere it may sit deeper.
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("samlgate").path),
            folder.path != "/"
        {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("samlgate")
    }()

    /// A fresh temporary folder; with `initialise`, an initialised database in it.
    init(initialise: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samlgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        databasePath = try TestDatabase.make(folder: folder, name: "samlgate.db")
        if initialise {
            let result = try run("init")
            precondition(result.status == 0, "samlgate init failed: \(result.stderr)")
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `samlgate ARGS --db <temp db>` (unless `db` is false) with `stdin` as standard input.
    @discardableResult
    func run(_ arguments: String..., stdin: String = "", db: Bool = true, environment: [String: String] = [:]) throws
        -> Result
    {
        try run(arguments: arguments, stdin: stdin, db: db, environment: environment)
    }

    func run(arguments: [String], stdin: String = "", db: Bool = true, environment: [String: String] = [:]) throws
        -> Result
    {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + (db ? ["--db", databasePath] : [])
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SAMLGATE_DB")
        env["SAMLGATE_SECRET_FILE"] = secretPath
        env.merge(environment) { $1 }
        process.environment = env
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// Path of a file in `Tests/Fixtures`.
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)").path
    }

    /// What the CLI reports about accounts, users and settings: equal before and after a refused command.
    func databaseSnapshot() throws -> String {
        try run("account", "list", "--json").stdout + run("user", "list", "--account", "acme", "--json").stdout
            + run("saml", "show", "--account", "acme", "--json").stdout
    }
}
