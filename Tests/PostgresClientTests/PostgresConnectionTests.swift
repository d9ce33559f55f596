import Foundation
import PostgresClient
import Testing

/// Against a real server: each test gets its own cluster (``TemporaryPostgres``).
@Suite(.timeLimit(.minutes(2))) struct PostgresConnectionTests {
    @Test func roundTripsEveryValueType() throws {
        let cluster = try TemporaryPostgres()
        let connection = try PostgresConnection(url: cluster.url)
        try connection.executeScript(
            """
            CREATE TABLE item (
                id bigint PRIMARY KEY, name text, data bytea, empty bytea, note text, flag boolean,
                score double precision, created timestamptz
            )
            """)
        let inserted = try connection.execute(
            "INSERT INTO item VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [
                .int64(Int64.max), .text("Zoë's \"quoted\" ?"), .bytea([0x00, 0xFF, 0x41, 0x00]), .bytea([]), nil,
                .bool(true), .double(-0.125), .text("2024-02-29T12:00:00Z"),
            ])
        #expect(inserted.affectedRows == 1)
        #expect(inserted.command == "INSERT 0 1")

        let result = try connection.execute("SELECT *, created = '2024-02-29 12:00:00+00' AS same FROM item")
        #expect(result.columns == ["id", "name", "data", "empty", "note", "flag", "score", "created", "same"])
        #expect(result.rows.count == 1)
        #expect(result.affectedRows == 1)
        let row = try #require(result.firstRow)
        #expect(try row.int64("id") == Int64.max)
        #expect(try row.string("name") == "Zoë's \"quoted\" ?")
        #expect(try row.bytes("data") == [0x00, 0xFF, 0x41, 0x00])
        #expect(try row.bytes("empty") == [])
        #expect(try row.string("note") == nil)
        #expect(try row.bytes("note") == nil)
        #expect(try row.bool("flag") == true)
        #expect(try row.double("score") == -0.125)
        #expect(try row.bool("same") == true)
        #expect(throws: PostgresError.noSuchColumn("missing")) { try row.string("missing") }
        #expect(throws: PostgresError.unexpectedValue(column: "name", expected: "an integer")) {
            try row.int64("name")
        }
    }

    @Test func rewrittenPlaceholdersAndSpecialDoubles() throws {
        let cluster = try TemporaryPostgres()
        let connection = try PostgresConnection(url: cluster.url)
        let sql = PostgresPlaceholders.rewrite("SELECT ?2::text AS b, ?1::text AS a, ?::float8 AS c, ?::float8 AS d")
        let row = try #require(
            try connection.execute(sql, [.text("one"), .text("two"), .double(.infinity), .double(.nan)]).firstRow)
        #expect(try row.string("a") == "one")
        #expect(try row.string("b") == "two")
        #expect(try row.double("c") == .infinity)
        #expect(try row.double("d")?.isNaN == true)
    }

    @Test func uniqueViolationIsRecognisedAndOnConflictCountsNothing() throws {
        let cluster = try TemporaryPostgres()
        let connection = try PostgresConnection(url: cluster.url)
        try connection.executeScript("CREATE TABLE account (slug text PRIMARY KEY, name text NOT NULL)")
        let insert = "INSERT INTO account (slug, name) VALUES ($1, $2)"
        #expect(try connection.execute(insert, [.text("acme"), .text("Acme")]).affectedRows == 1)

        let error = #expect(throws: PostgresError.self) {
            try connection.execute(insert, [.text("acme"), .text("Again")])
        }
        #expect(error?.isUniqueViolation == true)
        #expect(error?.sqlState == "23505")
        #expect(error?.isRetryable == false)
        #expect(error?.description.contains("SQLSTATE 23505") == true)

        let ignored = try connection.execute(
            "INSERT INTO account (slug, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", [.text("acme"), .text("Again")])
        #expect(ignored.affectedRows == 0)
        #expect(try connection.execute("SELECT name FROM account").rows.map { try $0.string("name") } == ["Acme"])
    }

    @Test func preparedStatementsAreReusedPerSQLText() throws {
        let cluster = try TemporaryPostgres()
        let connection = try PostgresConnection(url: cluster.url)
        let sql = "SELECT $1::bigint + 1 AS next"
        for value in Int64(1)...3 {
            #expect(try connection.execute(sql, [.int64(value)]).firstRow?.int64("next") == value + 1)
        }
        let prepared = try connection.execute(
            "SELECT generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE statement = $1",
            [.text(sql)])
        #expect(try prepared.rows.map { try $0.int64("runs") } == [3])
    }

    @Test func transactionsCommitRollBackAndRefuseToCommitAFailure() throws {
        let cluster = try TemporaryPostgres()
        let connection = try PostgresConnection(url: cluster.url)
        try connection.executeScript("CREATE TABLE note (id bigint PRIMARY KEY)")
        let insert = "INSERT INTO note VALUES ($1)"

        try connection.begin()
        #expect(connection.isInTransaction)
        try connection.execute(insert, [.int64(1)])
        try connection.rollback()
        #expect(!connection.isInTransaction)

        try connection.begin(isolation: .serializable)
        try connection.execute(insert, [.int64(2)])
        try connection.commit()

        try connection.begin()
        #expect(throws: PostgresError.self) { try connection.execute(insert, [.int64(2)]) }
        #expect(
            throws: PostgresError.queryFailed(
                sqlState: "25P02", message: "the transaction had failed, so COMMIT rolled it back")
        ) {
            try connection.commit()
        }
        #expect(!connection.isInTransaction)
        #expect(try connection.execute("SELECT id FROM note").rows.map { try $0.int64("id") } == [2])
    }

    @Test func concurrentUpdateIsARetryableSerializationFailure() throws {
        let cluster = try TemporaryPostgres()
        let first = try PostgresConnection(url: cluster.url)
        let second = try PostgresConnection(url: cluster.url)
        try first.executeScript(
            "CREATE TABLE counter (id bigint PRIMARY KEY, value bigint); INSERT INTO counter VALUES (1, 0)")

        try first.begin(isolation: .repeatableRead)
        _ = try first.execute("SELECT value FROM counter WHERE id = $1", [.int64(1)])
        try second.execute("UPDATE counter SET value = value + 1 WHERE id = $1", [.int64(1)])
        let error = #expect(throws: PostgresError.self) {
            try first.execute("UPDATE counter SET value = value + 10 WHERE id = $1", [.int64(1)])
        }
        #expect(error?.isSerializationFailure == true)
        #expect(error?.isRetryable == true)
        try first.rollback()
    }

    @Test func wrongPortOrDatabaseIsAClearErrorWithoutThePassword() throws {
        let cluster = try TemporaryPostgres()
        let urls = [
            "postgresql://samlgate:hunter2@/\(cluster.database)?host=\(cluster.folder)&port=\(cluster.port + 1)",
            "postgres://samlgate:hunter2@/no_such_database?host=\(cluster.folder)&port=\(cluster.port)",
        ]
        for url in urls {
            let error = #expect(throws: PostgresError.self) { try PostgresConnection(url: url) }
            guard case .connectionFailed(let shown, let message) = error else {
                Issue.record("expected a connection failure, got \(String(describing: error))")
                continue
            }
            #expect(shown == url.replacingOccurrences(of: "hunter2", with: "***"))
            #expect(error?.description.contains("hunter2") == false)
            #expect(message.contains(cluster.folder) || message.contains("no_such_database"))
        }
    }

    @Test func resetAfterARestartReconnectsAndPreparesAgain() throws {
        let cluster = try TemporaryPostgres()
        let connection = try PostgresConnection(url: cluster.url)
        let sql = "SELECT $1::text AS echo"
        #expect(try connection.execute(sql, [.text("before")]).firstRow?.string("echo") == "before")
        #expect(connection.isHealthy)
        let unchecked = try PostgresConnection(url: cluster.url)
        #expect(try unchecked.execute(sql, [.text("before")]).firstRow?.string("echo") == "before")

        try cluster.restart()
        let lost = #expect(throws: PostgresError.self) { try unchecked.execute(sql, [.text("lost")]) }
        guard case .connectionLost = lost else {
            Issue.record("expected a lost connection, got \(String(describing: lost))")
            return
        }
        try unchecked.reset()
        #expect(try unchecked.execute(sql, [.text("again")]).firstRow?.string("echo") == "again")

        #expect(!connection.isHealthy)
        let error = #expect(throws: PostgresError.self) { try connection.execute(sql, [.text("lost")]) }
        #expect(error?.isRetryable == true)
        guard case .connectionLost = error else {
            Issue.record("expected a lost connection, got \(String(describing: error))")
            return
        }

        try connection.reset()
        #expect(connection.isHealthy)
        #expect(try connection.execute(sql, [.text("after")]).firstRow?.string("echo") == "after")
        let prepared = try connection.execute(
            "SELECT generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE statement = $1",
            [.text(sql)])
        #expect(try prepared.rows.map { try $0.int64("runs") } == [1])
    }
}
