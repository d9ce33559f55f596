import Endpoints
import Foundation
import HTTP
import Store
import TestSupport
import Testing

/// `…/sso/-/metrics` and `…/sso/-/health`: the responder's own endpoints, answered to the right clients
/// with the right numbers, and never under an account's slug.
@Suite(.timeLimit(.minutes(1)))
struct OperationsEndpointTests {
    static func scrape(_ harness: GatewayHarness, from client: String = "127.0.0.1") -> HTTPResponse {
        harness.gateway.handle(
            HTTPRequest(method: "GET", path: "/sso/-/metrics", parameters: ["REMOTE_ADDR": client]))
    }

    /// The value of the sample `name` whose labels are exactly `labels`, or nil when the exposition has none.
    static func sample(_ name: String, _ labels: [String: String] = [:], in exposition: String) -> Double? {
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let value = Double(line[line.index(after: space)...])
            if series == name, labels.isEmpty { return value }
            guard series.hasPrefix(name + "{"), series.hasSuffix("}") else { continue }
            let inner = series.dropFirst(name.count + 1).dropLast()
            if Self.labels(inner) == labels { return value }
        }
        return nil
    }

    /// `key="value",…` as a dictionary (values may hold commas and escaped quotes).
    static func labels(_ text: Substring) -> [String: String]? {
        var result: [String: String] = [:]
        var rest = text
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].first == "\"" else {
                return nil
            }
            let key = String(rest[..<equals])
            var value = ""
            var index = rest.index(equals, offsetBy: 2)
            var escaped = false
            while index < rest.endIndex {
                let character = rest[index]
                index = rest.index(after: index)
                if escaped {
                    value.append(character == "n" ? "\n" : character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    break
                } else {
                    value.append(character)
                }
            }
            result[key] = value
            rest = rest[index...]
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return result
    }

    static let accepted = ["account": "acme", "method": "saml", "outcome": "accepted"]
    static let audience = ["account": "acme", "method": "saml", "outcome": "rejected", "check": "audience"]

    @Test func aLoopbackClientGetsThePrometheusText() throws {
        let harness = try GatewayHarness()
        let response = Self.scrape(harness)
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(response.header("Cache-Control") == "no-store")
        let text = GatewayHarness.text(response)
        #expect(text.contains("# TYPE samlgate_active_sessions gauge"))
        #expect(Self.sample("samlgate_active_sessions", ["account": "acme"], in: text) == 0)
    }

    @Test func signInCountersMoveByExactlyOneForEachOutcome() throws {
        let harness = try GatewayHarness()
        let before = GatewayHarness.text(Self.scrape(harness))
        let acceptedBefore = Self.sample("samlgate_signins_total", Self.accepted, in: before) ?? 0
        let audienceBefore = Self.sample("samlgate_signins_total", Self.audience, in: before) ?? 0

        #expect(harness.postACS(try ResponseBuilder.valid().encoded()).status == 303)
        var wrongAudience = ResponseBuilder.valid()
        wrongAudience.audienceRestrictions = [["urn:another-sp"]]
        #expect(harness.postACS(try wrongAudience.encoded()).status == 403)

        let after = GatewayHarness.text(Self.scrape(harness))
        #expect(after.contains("# TYPE samlgate_signins_total counter"))
        #expect(Self.sample("samlgate_signins_total", Self.accepted, in: after) == acceptedBefore + 1)
        #expect(Self.sample("samlgate_signins_total", Self.audience, in: after) == audienceBefore + 1)
        #expect(Self.sample("samlgate_active_sessions", ["account": "acme"], in: after) == 1)
        #expect(!after.lowercased().contains("alice"))
    }

    @Test func anotherClientIsRefusedUnlessTheResponderWasToldOtherwise() throws {
        let harness = try GatewayHarness()
        let refused = Self.scrape(harness, from: "10.0.0.1")
        #expect(refused.status == 403)
        #expect(!GatewayHarness.text(refused).contains("samlgate_"))
        #expect(Self.scrape(harness, from: "::1").status == 200)

        let open = try GatewayHarness(metricsFromAnywhere: true)
        let served = Self.scrape(open, from: "10.0.0.1")
        #expect(served.status == 200)
        #expect(Self.sample("samlgate_active_sessions", ["account": "acme"], in: GatewayHarness.text(served)) == 0)
    }

    @Test func healthAnswersOK() throws {
        let harness = try GatewayHarness()
        let response = harness.get("/sso/-/health")
        #expect(response.status == 200)
        #expect(GatewayHarness.text(response) == "ok\n")
    }

    @Test(arguments: ["/sso/-/metrics", "/sso/-/health"])
    func onlyGETAndHEADAreAllowed(path: String) throws {
        let harness = try GatewayHarness()
        let response = harness.post(path, form: [("a", "b")], client: "127.0.0.1")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD")
    }

    @Test(arguments: ["/sso/acme/metrics", "/sso/acme/health", "/sso/-/login", "/sso/-/acs", "/sso/-/auth"])
    func operationalEndpointsExistOnlyUnderTheDashSlug(path: String) throws {
        let harness = try GatewayHarness()
        let response = harness.gateway.handle(
            HTTPRequest(method: "GET", path: path, parameters: ["REMOTE_ADDR": "127.0.0.1"]))
        #expect(response.status == 404)
    }

    @Test func anAuthCheckIsTimed() throws {
        let harness = try GatewayHarness()
        let series = ["endpoint": "auth"]
        let before =
            Self.sample(
                "samlgate_request_duration_seconds_count", series, in: GatewayHarness.text(Self.scrape(harness))) ?? 0
        #expect(harness.get("/sso/acme/auth").status == 401)
        let after = Self.sample(
            "samlgate_request_duration_seconds_count", series, in: GatewayHarness.text(Self.scrape(harness)))
        #expect(after == before + 1)
    }
}
