import Foundation
import Prometheus
import Store

/// One answer to `GET /sso/-/metrics`: the store's numbers, read in one transaction, and this process's
/// measurements, in the Prometheus text format (written by swift-prometheus).
///
/// Labels are bounded: the account slug, the outcome, the failed check (a fixed set of names), the
/// method, the endpoint, a certificate's fingerprint and origin — never an email, a NameID or anything
/// else from a message.
struct MetricsScrape {
    let counts: [SignInCount]
    let sessions: [String: Int]
    let credentials: [CredentialExpiry]
    let refreshes: [String: MetadataRefreshState]
    let accounts: [String]

    /// Reads everything in `tx`.
    init(_ tx: StoreTransaction, now: Date) throws {
        counts = try tx.signInCounts()
        sessions = try tx.activeSessionCounts(now: now)
        credentials = try tx.credentialExpiries()
        refreshes = try tx.metadataRefreshStates()
        accounts = try tx.accounts().map(\.slug)
    }

    /// The exposition: the store's numbers, then `process`'s own.
    func exposition(now: Date, process: GatewayMetrics) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        // Every account shows an accepted and a rejected SAML count from the start (0 until the first), so
        // a rate or an alert on them has a series before the first sign-in.
        let counted = Set(counts.map { "\($0.account) \($0.method) \($0.outcome)" })
        let zeros = accounts.flatMap { account in
            ["accepted", "rejected"].compactMap { outcome in
                counted.contains("\(account) saml \(outcome)")
                    ? nil : SignInCount(account: account, method: "saml", outcome: outcome, check: "", count: 0)
            }
        }
        for count in counts + zeros {
            var labels = [("account", count.account), ("method", count.method), ("outcome", count.outcome)]
            if !count.check.isEmpty { labels.append(("check", count.check)) }
            registry.makeCounter(
                name: "samlgate_signins_total", labels: labels,
                help: "Sign-ins by account, method, outcome and failed check (all processes and nodes)."
            ).increment(by: count.count)
        }
        for account in accounts {
            registry.makeGauge(
                name: "samlgate_active_sessions", labels: [("account", account)], help: "Unexpired sessions."
            ).set(Double(sessions[account] ?? 0))
        }
        for credential in credentials {
            registry.makeGauge(
                name: "samlgate_certificate_expiry_seconds",
                labels: [
                    ("account", credential.account), ("kind", credential.kind.rawValue),
                    (
                        "sha256",
                        String(credential.sha256.replacingOccurrences(of: ":", with: "").prefix(16)).lowercased()
                    ),
                    ("detail", credential.detail),
                ],
                help: "Seconds until the certificate expires (negative: expired)."
            ).set(credential.notAfter.timeIntervalSince(now).rounded())
        }
        for (account, state) in refreshes.sorted(by: { $0.key < $1.key }) {
            let labels = [("account", account)]
            registry.makeGauge(
                name: "samlgate_metadata_refresh_last_success_timestamp_seconds", labels: labels,
                help: "When the IdP metadata was last fetched and applied (0: never)."
            ).set(state.lastSuccessAt?.timeIntervalSince1970 ?? 0)
            registry.makeCounter(
                name: "samlgate_metadata_refresh_failures_total", labels: labels,
                help: "IdP metadata fetches that failed or were refused."
            ).increment(by: Int64(state.failuresTotal))
            registry.makeGauge(
                name: "samlgate_metadata_refresh_consecutive_failures", labels: labels,
                help: "Failures since the last successful refresh."
            ).set(Double(state.failures))
        }
        var buffer = registry.emitToBuffer()
        process.registry.emit(into: &buffer)
        return buffer
    }
}
