import Admin
import ArgumentParser
import Credentials
import Endpoints
import FastCGI
import Foundation
import Logging
import SAML
import Store

/// `samlgate-fcgi`: the FastCGI responder (and Authorizer) behind nginx or Apache, or a plain CGI program.
@main
struct SamlgateFCGI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samlgate-fcgi",
        abstract: "Serve samlgate's SSO endpoints over FastCGI (nginx fastcgi_pass, Apache mod_fcgid) or CGI.",
        discussion: """
            Without --listen it accepts on file descriptor 0, as mod_fcgid and spawn-fcgi start it. Started as a \
            plain CGI program (fd 0 not a socket, GATEWAY_INTERFACE set) it serves that one request and exits; \
            the database then comes from $SAMLGATE_DB. One log line per request goes to stderr; SIGTERM or \
            SIGINT stops it after in-flight requests finish (exit status 0).
            """)

    @Option(
        help: ArgumentHelp(
            "The SQLite database file or a postgresql:// URL (default: $SAMLGATE_DB, else \(Store.defaultPath)).",
            valueName: "path-or-url"))
    var db: String?

    @Option(
        help: ArgumentHelp(
            "The secret file that opens the SP private keys (default: $SAMLGATE_SECRET_FILE, else "
                + "\(KeyEncryptionKey.defaultPath)); it must be readable by this process.",
            valueName: "path"))
    var secretFile: String?

    @Option(help: ArgumentHelp("unix:PATH or HOST:PORT (default: the socket on fd 0).", valueName: "address"))
    var listen: String?

    @Option(help: "Worker threads (default: cores × 2).")
    var threads: Int?

    @Option(
        help: ArgumentHelp(
            "With unix:PATH, the socket's permissions in octal (default 660: owner and group only).", valueName: "mode")
    )
    var socketMode: String?

    @Option(
        help: ArgumentHelp(
            "With unix:PATH, give the socket to this group (e.g. www-data, the web server's group).", valueName: "group"
        ))
    var socketGroup: String?

    @Flag(
        help: "Do not time post-backs and session checks (/sso/-/metrics then shows only the store's numbers).")
    var noMetrics = false

    @Flag(
        help: ArgumentHelp(
            "Serve /sso/-/metrics to any client address; by default only to loopback (the web server's "
                + "own allow rules then decide)."))
    var metricsFromAnywhere = false

    @Flag(help: "Do not refresh IdP metadata URLs in the background (use `samlgate saml refresh` from a timer).")
    var noMetadataRefresh = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let socketMode, UInt16(socketMode, radix: 8).map({ $0 <= 0o777 }) != true {
            throw ValidationError("--socket-mode must be octal permissions such as 660")
        }
    }

    /// CGI servers may pass words from the query string as arguments, so CGI mode is decided before
    /// any argument parsing; everything else goes through ArgumentParser.
    ///
    /// A CGI process keeps the default SIGTERM, so the web server can end it. A responder blocks
    /// SIGTERM and SIGINT before anything starts a thread (the store's checkpointer is one), so
    /// that only the server's signal thread takes them.
    static func main() {
        LoggingSystem.bootstrap { LogfmtLogHandler(label: $0) }
        if CGIServer.isPlainCGI() {
            serveCGI()
            return
        }
        StopSignals.blockInThisThread()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as StoreError {
            fail("\(error)")
        } catch let error as FastCGIError {
            fail("\(error)")
        } catch let error as ServerStartError {
            fail(error.message)
        } catch {
            exit(withError: error)
        }
    }

    func run() throws {
        let gateway = try Self.makeGateway(
            databasePath: Store.resolvePath(db), secretFile: secretFile, checkpoints: .background,
            metrics: noMetrics ? .disabled : GatewayMetrics(), metricsFromAnywhere: metricsFromAnywhere)
        var target: ListenTarget = try listen.map { try ListenTarget(parsing: $0) } ?? .standardInput
        if case .unixSocket(let path, let permissions, let group) = target {
            // Anyone who can connect can speak for the web server (the Authorizer role trusts it), so the
            // socket is owner+group only unless the admin says otherwise.
            target = .unixSocket(
                path: path, permissions: socketMode.flatMap { UInt16($0, radix: 8) } ?? permissions,
                group: socketGroup ?? group)
        } else if socketMode != nil || socketGroup != nil {
            throw ValidationError("--socket-mode and --socket-group apply only to --listen unix:PATH")
        }
        var configuration = FastCGIServer.Configuration(listen: target, logger: Logger(label: "samlgate-fcgi"))
        if let threads { configuration.threadCount = threads }
        let server = try FastCGIServer(configuration: configuration, handler: gateway)
        Logger(label: "samlgate-fcgi").info(
            "samlgate-fcgi started",
            metadata: [
                "listen": "\(target)", "threads": "\(configuration.threadCount)", "db": "\(gateway.store.path)",
            ])
        let refresh = noMetadataRefresh ? nil : Self.metadataRefreshLoop(store: gateway.store)
        refresh?.start()
        defer { refresh?.stop() }
        try server.run()
    }

    /// The background metadata refresh, logging each fetch it makes (one line per account and round).
    private static func metadataRefreshLoop(store: Store) -> MetadataRefreshLoop {
        let logger = Logger(label: "samlgate-fcgi")
        return MetadataRefreshLoop(refresher: MetadataRefresher(store: store)) { result in
            switch result {
            case .failure(let error):
                logger.error("metadata refresh failed", metadata: ["error": "\(error)"])
            case .success(let reports):
                for report in reports {
                    let next = report.nextFetchAt.map { SAMLTime.format($0) } ?? "-"
                    switch report.outcome {
                    case .applied(let update, let changed):
                        logger.info(
                            "metadata refreshed",
                            metadata: [
                                "account": "\(report.slug)", "changed": "\(changed)", "added": "\(update.added.count)",
                                "removed": "\(update.removed.count)", "next": "\(next)",
                            ])
                    case .refused(let refusal):
                        logger.warning(
                            "metadata refresh refused; nothing changed",
                            metadata: [
                                "account": "\(report.slug)", "check": "\(refusal.check.rawValue)",
                                "reason": "\(refusal.reason)", "next": "\(next)",
                            ])
                    case .skipped: break
                    }
                }
            }
        }
    }

    /// Opens the store (refusing an outdated schema) and initializes xmlsec on the main thread, before workers start.
    ///
    /// A long-running responder checkpoints the WAL from a background thread; a CGI process, which
    /// lives for one request, leaves it to SQLite's automatic checkpoints.
    static func makeGateway(
        databasePath: String, secretFile: String?, checkpoints: Store.Checkpoints,
        metrics: GatewayMetrics = .disabled, metricsFromAnywhere: Bool = false
    ) throws -> SSOGateway {
        do {
            try SAMLRuntime.initialize()
        } catch {
            throw ServerStartError(message: "cannot initialize xmlsec: \(error)")
        }
        let store = try Store(path: databasePath, checkpoints: checkpoints)
        try store.checkSchema()
        return SSOGateway(
            store: store, secret: loadSecret(path: KeyEncryptionKey.resolvePath(secretFile)), metrics: metrics,
            metricsFromAnywhere: metricsFromAnywhere)
    }

    /// Reads the secret file once. Without it the responder still serves what needs no SP private key
    /// (and says so in the log at start-up and with every refusal); it never creates one: a new key
    /// could not open the stored SP keys.
    private static func loadSecret(path: String) -> SPKeySecret {
        do {
            return .loaded(try KeyEncryptionKey.load(path: path))
        } catch {
            Logger(label: "samlgate-fcgi").warning(
                "SP private keys unavailable: signed AuthnRequests and encrypted assertions will be refused",
                metadata: ["error": "\(error)"])
            return .unavailable(reason: "\(error)")
        }
    }

    private static func serveCGI() {
        let path = Store.resolvePath(nil)
        do {
            _ = CGIServer.serveOne(
                handler: try makeGateway(databasePath: path, secretFile: nil, checkpoints: .automatic),
                logger: Logger(label: "samlgate-cgi"))
        } catch {
            // Still a valid CGI answer: the web server shows a 503, the reason goes to its error log.
            FileHandle.standardError.write(Data("samlgate-fcgi: error: \(error)\n".utf8))
            FileHandle.standardOutput.write(
                Data(
                    "Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\nThe sign-in service is not available.\n"
                        .utf8))
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("samlgate-fcgi: error: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

/// A start-up failure with a message for the admin.
struct ServerStartError: Error {
    let message: String
}
