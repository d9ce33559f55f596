import Credentials
import Endpoints
import Foundation
import HTTP
import SAML
import Store
import TestSupport

/// A gateway over a fresh store with account `acme` (https://help.example.com), SAML on with the test
/// IdP's certificate, and users: the owner (with a password), alice (user), bob (disabled), carol (admin, password).
final class GatewayHarness: @unchecked Sendable {
    let folder: URL
    let store: Store
    let gateway: SSOGateway
    let accountID: Int64
    let now: Date
    static let ownerPassword = "owner passphrase"
    static let carolPassword = "carol passphrase"

    /// The key-encryption key the account's SP keys are sealed under.
    let keyEncryptionKey: KeyEncryptionKey

    /// - Parameters:
    ///   - spKeys: the account's SP key fixtures and states (default: `sp-rsa`, active).
    ///   - secret: what the gateway gets instead of the fixture's key-encryption key (a missing secret file).
    ///   - metricsFromAnywhere: serve `/sso/-/metrics` to any client address.
    init(
        now: Date = ResponseBuilder().now, passwordSlots: Int? = nil,
        spKeys: [(prefix: String, state: SPKey.State)] = [("sp-rsa", .active)], secret: SPKeySecret? = nil,
        metricsFromAnywhere: Bool = false, configure: (inout SAMLSettings) -> Void = { _ in }
    ) throws {
        self.now = now
        let fixture = try GatewayFixture(
            folder: FileManager.default.temporaryDirectory.appendingPathComponent("samlgate-gw-\(UUID().uuidString)"),
            users: [
                .init("owner@example.com", role: .owner, password: Self.ownerPassword),
                .init("Alice@Example.com", givenName: "A", familyName: "L"),
                .init("bob@example.com", disabled: true),
                .init("carol@example.com", role: .admin, password: Self.carolPassword),
            ], spKeys: spKeys, configure: configure)
        folder = fixture.folder
        store = fixture.store
        accountID = fixture.accountID
        keyEncryptionKey = fixture.keyEncryptionKey
        let fixed = now
        gateway = SSOGateway(
            store: store, secret: secret ?? fixture.secret, passwordSlots: passwordSlots,
            metricsFromAnywhere: metricsFromAnywhere, clock: { fixed })
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func changeSettings(_ change: (inout SAMLSettings) -> Void) throws {
        try store.write { tx in
            var settings = try tx.samlSettings(accountID: accountID)
            change(&settings)
            try tx.saveSAMLSettings(accountID: accountID, settings)
        }
    }

    func get(_ path: String, query: String = "", cookie: String? = nil) -> HTTPResponse {
        gateway.handle(
            HTTPRequest(method: "GET", path: path, query: query, headers: cookie.map { ["cookie": $0] } ?? [:]))
    }

    func post(_ path: String, form: [(String, String)], cookie: String? = nil, client: String = "192.0.2.7")
        -> HTTPResponse
    {
        let body = form.map { "\(URLEncoding.queryValue($0.0))=\(URLEncoding.queryValue($0.1))" }.joined(separator: "&")
        var headers = ["content-type": "application/x-www-form-urlencoded"]
        if let cookie { headers["cookie"] = cookie }
        return gateway.handle(
            HTTPRequest(
                method: "POST", path: path, headers: headers, parameters: ["REMOTE_ADDR": client],
                body: Array(body.utf8)))
    }

    func postACS(_ samlResponse: String, relayState: String? = nil) -> HTTPResponse {
        var form = [("SAMLResponse", samlResponse)]
        if let relayState { form.append(("RelayState", relayState)) }
        return post("/sso/acme/acs", form: form)
    }

    /// `name=value` of the session cookie a response sets.
    static func sessionCookie(_ response: HTTPResponse) -> String? {
        guard
            let setCookie = response.headers.first(where: {
                $0.name == "Set-Cookie" && $0.value.hasPrefix("samlgate_acme=")
            })?.value
        else { return nil }
        return String(setCookie.split(separator: ";")[0])
    }

    func log() throws -> [SignInLogEntry] {
        try store.read { try $0.log(accountID: accountID) }
    }

    func sessions() throws -> [SessionRecord] {
        try store.read { try $0.sessions(accountID: accountID, now: now) }
    }

    static func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }
}

extension ResponseBuilder {
    /// A valid response for `email` (signed Assertion), from the test IdP.
    static func valid(email: String = "alice@example.com", inResponseTo: String? = nil) -> ResponseBuilder {
        var builder = ResponseBuilder()
        builder.nameIDContent = email
        builder.attributes = [("email", [email]), ("given_name", ["Alice"]), ("family_name", ["Liddell"])]
        builder.confirmationInResponseTo = inResponseTo
        builder.responseInResponseTo = inResponseTo
        return builder
    }
}
