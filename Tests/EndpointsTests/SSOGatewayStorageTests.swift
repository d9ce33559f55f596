import Endpoints
import Foundation
import HTTP
import GRDB
import SAML
import Store
import TestSupport
import Testing

/// A database that cannot be written (read-only, full disk, I/O error) is an outage, not a bug: 503 with a
/// reference on the page and the fault, advice and path only in the log line; nothing half-written.
@Suite(.timeLimit(.minutes(1)), .enabled(if: TestDatabase.isSQLite))
struct SSOGatewayStorageTests {
    @Test func readOnlyDatabaseAnswers503NamingTheReasonOnlyInTheLog() throws {
        let harness = try GatewayHarness()
        let signedIn = harness.postACS(try ResponseBuilder.valid().encoded())
        let cookie = try #require(GatewayHarness.sessionCookie(signedIn))
        let path = harness.folder.appendingPathComponent("test.db").path
        try DatabaseFile.markReadOnly(path: path)
        let response = harness.postACS(try ResponseBuilder.valid().encoded())

        #expect(response.status == 503)
        #expect(response.header("Retry-After") != nil)
        let page = GatewayHarness.text(response)
        let reference = try #require(response.logMetadata["reference"])
        #expect(page.contains(reference))
        #expect(response.header("X-Samlgate-Reference") == reference)
        for secret in [harness.folder.path, "read-only", "readonly", "SQLite"] {
            #expect(!page.contains(secret), "the page must not show the cause: \(page)")
        }
        #expect(response.logMetadata["outcome"] == "storage_unavailable")
        #expect(response.logMetadata["reason"] == "read_only")
        #expect(response.logMetadata["db"] == path)
        #expect(response.logMetadata["error"]?.contains("writable by the user samlgate runs as") == true)
        // Nothing was written: one session (the first sign-in), its log row only.
        #expect(try harness.sessions().count == 1)
        #expect(try harness.log().count == 1)
        // Reading still works: a signed-in user keeps access while sign-ins are refused.
        #expect(harness.get("/sso/acme/auth", cookie: cookie).status == 204)
        // Recovery without a restart once the cause is fixed: Tests/E2E/test_faults.py (a full disk). SQLite keeps
        // this marker per connection, so it cannot show that here.
    }
}

/// Makes SQLite itself treat a live database file as read-only, as root cannot be kept out by file modes.
///
/// The file format's "write version" byte (offset 18) above 2 means "read-only to this library": every
/// connection that reads the header afterwards refuses to write with SQLITE_READONLY, exactly what a
/// read-only file, folder or mount gives a non-root responder. The WAL is checkpointed and truncated
/// first so that the header is read from the file, not from a WAL frame.
enum DatabaseFile {
    static func markReadOnly(path: String) throws {
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: 18)
        try handle.write(contentsOf: [3])
    }
}
