import Foundation
import PostgresClient
import Store

/// Where a test's store lives: a SQLite file in the test's folder, or — when `$SAMLGATE_TEST_STORE` is
/// `postgresql` — a new database of its own in the PostgreSQL cluster `$SAMLGATE_TEST_POSTGRES` names
/// (scripts/test.sh starts one with scripts/test-postgres.sh and runs the store, gateway and CLI suites
/// again on it). The same tests then check both backends.
public enum TestDatabase {
    /// Whether this run's stores are PostgreSQL databases.
    public static let isPostgreSQL = ProcessInfo.processInfo.environment["SAMLGATE_TEST_STORE"] == "postgresql"

    /// Whether this run's stores are SQLite files: the trait of tests about SQLite itself (its file, WAL,
    /// pragmas, storage faults).
    public static var isSQLite: Bool { !isPostgreSQL }

    /// A new, empty database for a test: `folder/name` for SQLite, else a fresh PostgreSQL database.
    public static func make(folder: URL, name: String = "test.db") throws -> String {
        guard isPostgreSQL else { return folder.appendingPathComponent(name).path }
        guard let server = ProcessInfo.processInfo.environment["SAMLGATE_TEST_POSTGRES"],
            let components = URLComponents(string: server)
        else {
            throw TestDatabaseError(
                "SAMLGATE_TEST_STORE=postgresql needs SAMLGATE_TEST_POSTGRES, a URL of a cluster's maintenance "
                    + "database (scripts/test-postgres.sh start FOLDER prints one)")
        }
        let database = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
        do {
            let maintenance = try PostgresConnection(url: server)
            _ = try maintenance.executeScript("CREATE DATABASE \(database)")
        } catch {
            throw TestDatabaseError("cannot create the test database \(database): \(error)")
        }
        var url = components
        url.path = "/" + database
        guard let text = url.string else { throw TestDatabaseError("cannot build a URL from \(server)") }
        return text
    }
}

/// A test database could not be made.
public struct TestDatabaseError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
