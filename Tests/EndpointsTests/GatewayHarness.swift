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

    init(
        now: Date = ResponseBuilder().now, passwordSlots: Int? = nil, configure: (inout SAMLSettings) -> Void = { _ in }
    ) throws {
        try SAMLRuntime.initialize()
        self.now = now
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samlgate-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store(path: folder.appendingPathComponent("test.db").path, create: true)
        try store.migrate()
        let hasher = PasswordHasher(logN: 10)
        accountID = try store.write { tx in
            let account = try tx.addAccount(slug: "acme", name: "Acme Help", baseURL: "https://help.example.com")
            try tx.addUser(
                accountID: account.id, email: "owner@example.com", role: .owner,
                passwordHash: hasher.hash(Self.ownerPassword))
            try tx.addUser(
                accountID: account.id, email: "Alice@Example.com", role: .user, givenName: "A", familyName: "L")
            try tx.addUser(accountID: account.id, email: "bob@example.com", role: .user)
            try tx.setDisabled(accountID: account.id, email: "bob@example.com", disabled: true)
            try tx.addUser(
                accountID: account.id, email: "carol@example.com", role: .admin,
                passwordHash: hasher.hash(Self.carolPassword))
            var settings = SAMLSettings()
            settings.enabled = true
            settings.ssoURL = "https://idp.example.com/sso"
            settings.certificates = [try Certificate(der: TestKeys.idpRSADER)]
            configure(&settings)
            try tx.saveSAMLSettings(accountID: account.id, settings)
            return account.id
        }
        let fixed = now
        gateway = SSOGateway(store: store, passwordSlots: passwordSlots, clock: { fixed })
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
