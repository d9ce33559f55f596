import Testing

@testable import PostgresClient

@Suite struct PostgresURLTests {
    @Test(arguments: [
        (
            "postgresql://samlgate:hunter2@db.example.com:5432/samlgate",
            "postgresql://samlgate:***@db.example.com:5432/samlgate"
        ),
        (
            "postgres://samlgate:hunter2@db/samlgate?sslmode=require",
            "postgres://samlgate:***@db/samlgate?sslmode=require"
        ),
        ("postgresql://samlgate@db/samlgate", "postgresql://samlgate@db/samlgate"),
        (
            "postgresql://db/samlgate?user=samlgate&password=hunter2&sslmode=verify-full",
            "postgresql://db/samlgate?user=samlgate&password=***&sslmode=verify-full"
        ),
        ("postgresql://samlgate:hun@ter2@db/samlgate", "postgresql://samlgate:***@db/samlgate"),
        (
            "postgresql://samlgate:hunter2@/samlgate?host=/run/postgresql",
            "postgresql://samlgate:***@/samlgate?host=/run/postgresql"
        ),
    ])
    func redactsPasswords(url: String, redacted: String) throws {
        let parsed = try PostgresURL(url)
        #expect(parsed.redacted == redacted)
        #expect(!parsed.redacted.contains("hunter2"))
        #expect(!parsed.redacted.contains("ter2"))
    }

    @Test func scrubsPasswordsFromMessagesAsWrittenAndDecoded() throws {
        let url = try PostgresURL("postgresql://samlgate:p%40ss@db/samlgate")
        #expect(url.scrub("bad token \"p%40ss\" and p@ss") == "bad token \"***\" and ***")
    }

    @Test(arguments: [
        "mysql://samlgate:hunter2@db/samlgate", "samlgate.db", "host=db password=hunter2", "POSTGRES://db/x",
    ])
    func refusesOtherSchemes(url: String) {
        let error = #expect(throws: PostgresError.self) { try PostgresURL(url) }
        guard case .badURL(let shown, let reason) = error else {
            Issue.record("expected a bad URL, got \(String(describing: error))")
            return
        }
        #expect(reason == "it must start with postgresql:// or postgres://")
        #expect(!shown.contains("hunter2"))
    }

    @Test func malformedURLIsABadURLWithoutThePassword() {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(url: "postgresql://samlgate:hunter2@db/samlgate?nonsense=1")
        }
        guard case .badURL(let shown, let reason) = error else {
            Issue.record("expected a bad URL, got \(String(describing: error))")
            return
        }
        #expect(shown == "postgresql://samlgate:***@db/samlgate?nonsense=1")
        #expect(reason.contains("nonsense"))
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test(.timeLimit(.minutes(1)))
    func unreachableServerIsAConnectionFailureWithoutThePassword() {
        let url = "postgresql://samlgate:hunter2@/samlgate?host=/nonexistent-samlgate&port=1"
        let error = #expect(throws: PostgresError.self) { try PostgresConnection(url: url) }
        guard case .connectionFailed(let shown, let message) = error else {
            Issue.record("expected a connection failure, got \(String(describing: error))")
            return
        }
        #expect(shown == "postgresql://samlgate:***@/samlgate?host=/nonexistent-samlgate&port=1")
        #expect(message.contains("/nonexistent-samlgate"))
        #expect(error?.description.contains("hunter2") == false)
    }
}
