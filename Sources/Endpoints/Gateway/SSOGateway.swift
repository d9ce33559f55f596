import Foundation
import HTTP
import SAML
import Store
import Synchronization

/// samlgate's HTTP endpoints under `{base_url}/sso/{slug}/` (see ``Route``): request in, response out.
///
/// The FastCGI and CGI transports call ``handle(_:)`` from many threads; tests call it directly.
/// Routing uses only the request path; every URL it emits comes from the account's stored base URL.
public final class SSOGateway: HTTPHandler {
    /// The store every request reads and writes.
    public let store: Store
    let directory: AccountDirectory
    /// Opens SP private keys, and seals the ones the settings page adds.
    let secret: SPKeySecret
    let pages = PageRenderer()
    let clock: @Sendable () -> Date
    /// When the last prune ran, and whether it left expired rows behind.
    private let pruning = Mutex<(last: Date, backlog: Bool)>((.distantPast, false))

    /// How long an AuthnRequest stays answerable.
    static let requestLifetime: TimeInterval = 10 * 60
    /// The password hashes that may run at once (see ``PasswordSlots``).
    let passwordSlots: PasswordSlots
    /// This process's latency histograms and store error counts.
    let metrics: GatewayMetrics
    /// Serve `/sso/-/metrics` to any client address (the web server restricts it), not only loopback.
    let metricsFromAnywhere: Bool

    /// Failed password attempts allowed per account, email and client address in ``rateLimitWindow``.
    static let rateLimitAttempts = 5
    /// Failed password attempts allowed per account and client address, whatever the email, in ``rateLimitWindow``.
    static let clientRateLimitAttempts = 20
    /// The password rate-limit window.
    static let rateLimitWindow: TimeInterval = 15 * 60

    /// Serves the accounts in `store`; `clock` is replaceable for tests.
    ///
    /// - Parameters:
    ///   - secret: the key-encryption key that opens the SP private keys (signing, decryption).
    ///   - passwordSlots: how many password hashes may run at once (default: half the cores, one or
    ///     two); keep it below the transport's thread count so session checks always find a thread.
    ///   - metrics: where ACS and `auth` latencies and store errors are recorded (``GatewayMetrics/disabled``: nowhere).
    ///   - metricsFromAnywhere: answer `/sso/-/metrics` whatever the client's address.
    public init(
        store: Store, secret: SPKeySecret, passwordSlots: Int? = nil, metrics: GatewayMetrics = GatewayMetrics(),
        metricsFromAnywhere: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.metrics = metrics
        self.metricsFromAnywhere = metricsFromAnywhere
        self.secret = secret
        self.directory = AccountDirectory(store: store, secret: secret)
        self.passwordSlots = PasswordSlots(count: passwordSlots ?? PasswordSlots.defaultCount)
        self.clock = clock
    }

    /// Answers one request; never throws and never crashes on bad input.
    ///
    /// A failed request's answer names its reference in `X-Samlgate-Reference` too: a session check's
    /// answer never reaches the browser (nginx turns any but 2xx, 401 and 403 into a 500), so the protect
    /// snippet hands the reference to ``checkUnavailablePage(_:)`` to show.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        do {
            if request.role == .authorizer {
                return try authorize(request)
            }
            return try route(request)
        } catch StoreError.busy {
            metrics.storeError("busy")
            let reference = ReferenceID.make()
            var response = pages.error(
                status: 503, title: "Busy", message: "The sign-in service is busy. Please try again in a moment.",
                reference: reference)
            response.headers += [("Retry-After", "2"), ("X-Samlgate-Reference", reference)]
            response.logMetadata = ["outcome": "busy", "reference": reference]
            return response
        } catch StoreError.unavailable(let fault, let detail) {
            metrics.storeError(fault.rawValue)
            return storageUnavailable(fault, error: StoreError.unavailable(fault, detail: detail))
        } catch {
            if error is StoreError { metrics.storeError("other") }
            let reference = ReferenceID.make()
            var response = pages.error(
                status: 500, title: "Something went wrong", message: "The sign-in service hit an unexpected error.",
                reference: reference)
            response.headers.append(("X-Samlgate-Reference", reference))
            response.logMetadata = ["outcome": "error", "reference": reference, "error": "\(error)"]
            return response
        }
    }

    /// 503 for a database that cannot be written or opened (full disk, read-only file, I/O error): the page
    /// says only that sign-in is unavailable and shows the reference; the log line names the fault, what to
    /// fix and the database path. No sign-in can be recorded, so none is half-done: the transaction rolled back.
    private func storageUnavailable(_ fault: StoreError.StorageFault, error: StoreError) -> HTTPResponse {
        let reference = ReferenceID.make()
        var response = pages.error(
            status: 503, title: "Sign-in unavailable",
            message: "The sign-in service cannot record sign-ins right now. Please try again later; if it persists, "
                + "give your administrator this reference.",
            reference: reference)
        response.headers += [("Retry-After", "30"), ("X-Samlgate-Reference", reference)]
        response.logMetadata = [
            "outcome": "storage_unavailable", "reference": reference, "reason": fault.rawValue, "error": "\(error)",
            "db": store.path,
        ]
        return response
    }

    /// Every endpoint but `…/auth` and `…/unavailable` reads its body. The session check is asked on behalf
    /// of the protected request (nginx `auth_request`), with that request's `CONTENT_LENGTH` but none of its
    /// body, and so is the page shown when it fails (nginx `error_page`, through the same internal location).
    public func readsBody(path: String) -> Bool {
        let endpoint = Route(path: path)?.endpoint
        return endpoint != .auth && endpoint != .unavailable
    }

    private func route(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let route = Route(path: request.path) else { return notFound() }
        // The per-request session check answers every method (the protected request's) and reads account
        // and session together (see `signedIn`).
        if route.endpoint == .auth {
            return try metrics.timing(acs: false) { try authCheck(request, slug: route.slug) }
        }
        if route.endpoint.isOperational {
            guard request.method == "GET" || request.method == "HEAD" else {
                return methodNotAllowed(request, route.endpoint)
            }
            return route.endpoint == .metrics ? try metricsAnswer(request) : healthAnswer()
        }
        if route.endpoint == .acs, request.method == "POST" {
            return try metrics.timing(acs: true) { try postback(request, route: route) }
        }
        // Shown when the store could not answer a session check: it must not need the store itself.
        if route.endpoint == .unavailable {
            return checkUnavailablePage(request)
        }
        guard let context = try directory.context(slug: route.slug) else { return notFound() }
        return try dispatch(request, route: route, context: context)
    }

    /// A post-back validates with the cached settings and confirms them in the transaction that records
    /// its outcome; if they changed meanwhile, that wrote nothing and it is answered again with fresh ones.
    private func postback(_ request: HTTPRequest, route: Route) throws -> HTTPResponse {
        if let cached = directory.unconfirmedContext(slug: route.slug) {
            do { return try dispatch(request, route: route, context: cached) } catch is AccountContext.Stale {}
        }
        guard let context = try directory.context(slug: route.slug) else { return notFound() }
        return try dispatch(request, route: route, context: context)
    }

    /// Runs `body` in one write transaction that first confirms `context` (see
    /// ``AccountContext/confirm(in:)``): the writes of a request that may hold cached, unconfirmed settings.
    func write<T>(confirming context: AccountContext, _ body: (StoreTransaction) throws -> T) throws -> T {
        try store.write { tx in
            try context.confirm(in: tx)
            return try body(tx)
        }
    }

    /// The endpoint's answer, its log line naming the account.
    private func dispatch(_ request: HTTPRequest, route: Route, context: AccountContext) throws -> HTTPResponse {
        var response = try answer(request, route: route, context: context)
        response.logMetadata["account"] = context.account.slug
        return response
    }

    private func answer(_ request: HTTPRequest, route: Route, context: AccountContext) throws -> HTTPResponse {
        if request.bodyTooLarge {
            if route.endpoint == .acs {
                let reference = ReferenceID.make()
                try logRejection(
                    context, Rejection(.size, "the POST body is over 256 KiB"), reference: reference, request: request)
                return pages.error(
                    status: 413, title: "Request too large", message: "The sign-in message is too large.",
                    reference: reference
                ).with(outcome: "rejected", reference: reference)
            }
            return pages.error(status: 413, title: "Request too large", message: "The request body is too large.")
        }
        switch (route.endpoint, request.method) {
        case (.metadata, "GET"), (.metadata, "HEAD"): return metadata(context)
        case (.login, "GET"), (.login, "HEAD"): return try login(request, context: context)
        case (.login, "POST"): return try passwordLogin(request, context: context)
        case (.acs, "POST"): return try acs(request, context: context)
        case (.logout, "GET"), (.logout, "HEAD"): return try logoutPage(request, context: context)
        case (.logout, "POST"): return try logout(request, context: context)
        case (.slo, "GET"), (.slo, "POST"): return try singleLogout(request, context: context)
        case (.signedOut, "GET"), (.signedOut, "HEAD"): return signedOutPage(context: context)
        case (.settings, "GET"), (.settings, "HEAD"), (.settings, "POST"):
            return try settings(request, context: context)
        default:
            return methodNotAllowed(request, route.endpoint)
        }
    }

    /// 405 for `request`'s method at `endpoint`, naming the methods it takes.
    func methodNotAllowed(_ request: HTTPRequest, _ endpoint: Route.Endpoint) -> HTTPResponse {
        var response = pages.error(
            status: 405, title: "Method not allowed", message: "This address does not accept \(request.method).")
        if let allowed = Self.allowedMethods(endpoint) { response.headers.append(("Allow", allowed)) }
        return response
    }

    /// The `Allow` header of a 405 from `endpoint`; nil for `auth`, which answers every method.
    static func allowedMethods(_ endpoint: Route.Endpoint) -> String? {
        switch endpoint {
        case .metadata, .signedOut, .unavailable, .metrics, .health: "GET, HEAD"
        case .slo: "GET, POST"
        case .login, .settings, .logout: "GET, HEAD, POST"
        case .acs: "POST"
        case .auth: nil
        }
    }

    func notFound() -> HTTPResponse {
        pages.error(status: 404, title: "Not found", message: "There is no sign-in page at this address.")
    }

    /// How many rows of each table one prune deletes at most. The request that prunes pays for it while
    /// holding the write lock, so this bounds that (a few milliseconds) however much expired since: under
    /// thousands of sign-ins a second, ten minutes of replay entries would be hundreds of thousands of rows.
    public static let pruneBatch = 200

    /// Deletes expired sessions, requests and replay entries inside a write the request makes anyway:
    /// every ten minutes, and at the next write again while the last prune stopped at ``pruneBatch``.
    func pruneIfDue(_ transaction: StoreTransaction, now: Date) throws {
        let due = pruning.withLock { state -> Bool in
            guard state.backlog || now.timeIntervalSince(state.last) >= 600 else { return false }
            state = (now, false)
            return true
        }
        guard due else { return }
        if try !transaction.pruneExpired(now: now, limit: Self.pruneBatch).complete {
            pruning.withLock { $0.backlog = true }
        }
    }
}

extension HTTPResponse {
    /// Adds the outcome and reference to the log line.
    func with(outcome: String, reference: String? = nil) -> HTTPResponse {
        var copy = self
        copy.logMetadata["outcome"] = outcome
        if let reference { copy.logMetadata["reference"] = reference }
        return copy
    }

    /// A redirect (`302`/`303`) with no-store caching.
    static func redirect(_ status: Int, to location: String, headers: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        HTTPResponse(
            status: status,
            headers: [
                ("Location", location), ("Cache-Control", "no-store"), ("Content-Type", "text/plain; charset=utf-8"),
            ]
                + headers,
            body: Array("Redirecting to \(location)\n".utf8))
    }
}
