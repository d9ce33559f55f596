import Basics
import HTTP
import Store

extension SSOGateway {
    /// `GET /sso/-/metrics`: the Prometheus exposition, to loopback clients only unless the responder
    /// was told otherwise (the shipped snippets restrict it too; this holds when a snippet is edited).
    func metricsAnswer(_ request: HTTPRequest) throws -> HTTPResponse {
        guard metricsFromAnywhere || request.remoteAddress.map(LoopbackHost.contains) == true else {
            return pages.error(status: 403, title: "Forbidden", message: "Metrics are served to this host only.")
                .with(outcome: "metrics_refused")
        }
        let now = clock()
        let scrape = try store.read { try MetricsScrape($0, now: now) }
        return HTTPResponse(
            status: 200,
            headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-store")],
            body: scrape.exposition(now: now, process: metrics)
        ).with(outcome: "metrics")
    }

    /// `GET /sso/-/health`: 200 when the store answers a read, else 503, for load balancers.
    func healthAnswer() -> HTTPResponse {
        let healthy = (try? store.read { try $0.ping() }) != nil
        return HTTPResponse(
            status: healthy ? 200 : 503,
            headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
            body: Array((healthy ? "ok\n" : "store unavailable\n").utf8)
        ).with(outcome: healthy ? "healthy" : "unhealthy")
    }
}
