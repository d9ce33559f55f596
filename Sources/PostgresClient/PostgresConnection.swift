internal import CPostgres
import Foundation

/// One libpq session with a PostgreSQL server: the only code in samlgate that touches libpq.
///
/// Synchronous on purpose: the responder's fixed worker threads each block on their own connection, as they
/// do on SQLite. A connection is used by one thread at a time (libpq allows no concurrent use of a `PGconn`),
/// which is why it is not `Sendable`; a pool that lends connections to threads wraps them and states that
/// invariant itself. It is closed (`PQfinish`) when the last reference goes.
///
/// Every ``execute(_:_:)`` runs as a prepared statement, prepared once per SQL text (and parameter types) and
/// reused for the life of the session: the responder repeats the same few statements. A statement is never
/// resent after a failure, and a lost session is never replaced behind the caller's back, because a statement
/// may have run before the connection broke and a transaction cannot continue on a new session. The caller
/// rolls back or calls ``reset()`` and runs the whole transaction again (``PostgresError/isRetryable``).
public final class PostgresConnection {
    private let connection: OpaquePointer
    private let url: PostgresURL
    /// Server-side statement names by cache key (parameter types, a zero character, the SQL text).
    private var statements: [String: String] = [:]
    /// Numbers statement names; it is never reset, so a name is not reused within the process.
    private var statementCount = 0

    /// Connects to the server named by a `postgresql://` or `postgres://` URL.
    ///
    /// libpq parses the URL (host, port, `sslmode` and the other query parameters it documents); the client
    /// encoding is always UTF-8, whatever the URL says, since Swift strings are UTF-8. No message repeats a
    /// password from the URL.
    public init(url: String) throws(PostgresError) {
        let url = try PostgresURL(url)
        try Self.checkSyntax(of: url)
        // A URL as `dbname` with expand_dbname is libpq's documented way to pass a URL next to other settings;
        // keywords after it override the URL's.
        let keywords = ["dbname", "client_encoding", "fallback_application_name"]
        let values = [url.string, "UTF8", "samlgate"]
        let connection = withCStrings(keywords) { keywords in
            withCStrings(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else {
            throw .connectionFailed(url: url.redacted, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = url.scrub(Self.message(of: connection))
            PQfinish(connection)
            throw .connectionFailed(url: url.redacted, message: message)
        }
        CPostgres_silenceNotices(connection)
        self.connection = connection
        self.url = url
    }

    deinit {
        PQfinish(connection)
    }

    /// Whether the session is usable, checked without a round trip.
    ///
    /// An idle session receives nothing unless the server is ending it, so whatever is waiting on the socket is
    /// read: a server that shut down or restarted has sent its farewell and closed the socket, and libpq marks
    /// the session bad once it reads past the farewell to the end of the stream (hence the loop: one read may
    /// take only the message). A network path that died silently is only noticed by the next statement, as
    /// ``PostgresError/connectionLost(message:)``.
    public var isHealthy: Bool {
        for _ in 0..<4 {
            guard PQstatus(connection) == CONNECTION_OK else { return false }
            var socket = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
            guard poll(&socket, 1, 0) > 0 else { return true }
            guard PQconsumeInput(connection) == 1 else { return false }
        }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Whether a transaction is open (or failed and not yet rolled back) on this session.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(connection)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// The URL with its password replaced by `***`, for messages about this connection.
    public var redactedURL: String { url.redacted }

    /// Closes the session and opens a new one with the same settings, after the server restarted or the
    /// connection broke. The new session has no prepared statements, so the cache starts empty.
    public func reset() throws(PostgresError) {
        statements.removeAll()
        PQreset(connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            throw .connectionFailed(url: url.redacted, message: url.scrub(Self.message(of: connection)))
        }
    }

    /// Runs one statement with `$1`, `$2`, … parameters (`nil` is SQL NULL) and returns its rows.
    ///
    /// SQL written with SQLite's `?` placeholders goes through ``PostgresPlaceholders/rewrite(_:)`` first.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue?] = []) throws(PostgresError) -> PostgresResult {
        guard !sql.utf8.contains(0) else {
            throw .queryFailed(sqlState: "42601", message: "the statement contains a zero character")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw .connectionLost(message: "the session is closed; reset() opens a new one")
        }
        let encoded = try PostgresParameters(parameters)
        let key = encoded.signature + "\0" + sql
        let name = try preparedStatement(for: key, sql: sql, types: encoded.types)
        let result = encoded.withUnsafeArrays { count, values, lengths, formats in
            PQexecPrepared(connection, name, count, values, lengths, formats, 0)
        }
        do {
            return try consume(result)
        } catch {
            // The statement did not run; a cached plan the schema changed under, or a statement the server
            // no longer knows, is prepared afresh next time.
            if error.sqlState == "0A000" || error.sqlState == "26000" { statements[key] = nil }
            throw error
        }
    }

    /// Runs SQL without parameters through the simple protocol, where one text may hold several statements
    /// (a migration, `BEGIN`); nothing is prepared or cached. Returns the last statement's result.
    @discardableResult
    public func executeScript(_ sql: String) throws(PostgresError) -> PostgresResult {
        guard !sql.utf8.contains(0) else {
            throw .queryFailed(sqlState: "42601", message: "the statement contains a zero character")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw .connectionLost(message: "the session is closed; reset() opens a new one")
        }
        return try consume(PQexec(connection, sql))
    }

    /// The server-side name of the statement for `key`, preparing it on first use.
    private func preparedStatement(for key: String, sql: String, types: [Oid]) throws(PostgresError) -> String {
        if let name = statements[key] { return name }
        statementCount += 1
        let name = "samlgate_\(statementCount)"
        _ = try consume(PQprepare(connection, name, sql, Int32(types.count), types))
        statements[key] = name
        return name
    }

    /// Copies a result out of libpq and frees it, or turns a failed one into the error that names it.
    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let result else { throw failure(sqlState: nil, message: Self.message(of: connection)) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            let sqlState = CPostgres_resultSQLState(result).map { String(cString: $0) }
            let primary = CPostgres_resultPrimaryMessage(result).map { String(cString: $0) }
            let message = primary ?? String(cString: PQresultErrorMessage(result))
            let fallback = String(cString: PQresStatus(status))
            throw failure(sqlState: sqlState, message: message.isEmpty ? fallback : message)
        }
        let columns = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        let rows = (0..<PQntuples(result)).map { row in
            PostgresRow(
                columns: columns,
                values: (0..<Int32(columns.count)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return PostgresResult(
            columns: columns, rows: rows, affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0,
            command: String(cString: PQcmdStatus(result)))
    }

    /// The error for a failed statement: the session's loss when that is what happened (libpq reports a
    /// closed connection as a failed statement), the server's SQLSTATE otherwise.
    private func failure(sqlState: String?, message: String) -> PostgresError {
        let message = url.scrub(message.trimmingCharacters(in: .whitespacesAndNewlines))
        let lostStates: Set<String> = ["57P01", "57P02", "57P03"]
        if PQstatus(connection) != CONNECTION_OK
            || sqlState.map({ $0.hasPrefix("08") || lostStates.contains($0) }) == true
        {
            return .connectionLost(message: message)
        }
        return .queryFailed(sqlState: sqlState ?? "", message: message)
    }

    /// libpq's last message for the session, which ends with a newline.
    private static func message(of connection: OpaquePointer) -> String {
        String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks the URL with libpq's own parser, so a malformed one is a bad URL rather than a failed connection.
    private static func checkSyntax(of url: PostgresURL) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url.string, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0) } ?? "libpq could not parse it"
            PQfreemem(errorMessage)
            throw .badURL(url: url.redacted, reason: url.scrub(reason.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        PQconninfoFree(options)
    }
}
