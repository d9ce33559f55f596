import Credentials
import Foundation
import GRDB
import Testing

@testable import Store

/// Atomicity: a failed multi-step write leaves nothing behind; replay and request IDs are accepted once.
struct TransactionTests {
    struct Boom: Error {}

    @Test func failedMultiStepWriteChangesNothing() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let before = try temporary.store.read { try $0.samlSettings(accountID: id) }
        #expect(throws: Boom.self) {
            try temporary.store.write { tx in
                try tx.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example")
                try tx.addUser(accountID: id, email: "a@example.com", role: .owner)
                var settings = try tx.samlSettings(accountID: id)
                settings.enabled = true
                settings.ssoURL = "https://idp.example/sso"
                settings.certificates = try CertificateImporterFixtures.rsa()
                try tx.saveSAMLSettings(accountID: id, settings)
                throw Boom()
            }
        }
        #expect(try temporary.store.read { try $0.accounts() }.map(\.slug) == ["acme"])
        #expect(try temporary.store.read { try $0.users(accountID: id) }.isEmpty)
        #expect(try temporary.store.read { try $0.samlSettings(accountID: id) } == before)
    }

    @Test func samlSettingsRoundTripWithCertificatesInOrder() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        var settings = SAMLSettings()
        settings.enabled = true
        settings.ssoURL = "https://idp.example/sso"
        settings.idpEntityID = "urn:idp"
        settings.forceSAML = true
        settings.allowSHA1 = true
        settings.allowIdPInitiated = false
        settings.clockSkew = 60
        settings.sessionLifetime = 3600
        settings.certificates = try CertificateImporterFixtures.two()
        try temporary.store.write { try $0.saveSAMLSettings(accountID: id, settings) }
        #expect(try temporary.store.read { try $0.samlSettings(accountID: id) } == settings)
        #expect(
            SAMLSettings().allowIdPInitiated && SAMLSettings().clockSkew == 180
                && SAMLSettings().sessionLifetime == 28_800)
    }

    /// A new account signs its requests, sends them by HTTP-Redirect and accepts plain assertions;
    /// each of the three survives a save and a read, default or changed.
    @Test func requestSigningEncryptionAndBindingDefaultAndRoundTrip() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let fresh = try temporary.store.read { try $0.samlSettings(accountID: id) }
        #expect(fresh.signRequests && !fresh.requireEncryption && fresh.requestBinding == .redirect)
        #expect(fresh == SAMLSettings())
        try temporary.store.write { try $0.saveSAMLSettings(accountID: id, fresh) }
        #expect(try temporary.store.read { try $0.samlSettings(accountID: id) } == SAMLSettings())
        var changed = fresh
        changed.signRequests = false
        changed.requireEncryption = true
        changed.requestBinding = .post
        try temporary.store.write { try $0.saveSAMLSettings(accountID: id, changed) }
        #expect(try temporary.store.read { try $0.samlSettings(accountID: id) } == changed)
        let stored = try #require(
            try temporary.store.read { tx in
                try tx.one("SELECT sign_requests, require_encryption, request_binding FROM saml_settings")
            })
        #expect(stored["sign_requests"] as Int == 0 && stored["require_encryption"] as Int == 1)
        #expect(stored["request_binding"] as String == "post")
    }

    @Test func assertionIDIsAcceptedOnceEvenConcurrently() async throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let store = temporary.store
        let keep = Date().addingTimeInterval(600)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (try? store.write { try $0.recordAssertion(accountID: id, assertionID: "_a1", keepUntil: keep) })
                        ?? false
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
    }

    @Test func requestIsConsumedOnceAndNotAfterExpiry() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        try temporary.store.write { tx in
            try tx.rememberRequest(
                accountID: id, requestID: "_r1", relayToken: "t1", returnTo: "/tickets", createdAt: now,
                expiresAt: now.addingTimeInterval(300))
            try tx.rememberRequest(
                accountID: id, requestID: "_r2", relayToken: "t2", returnTo: nil, createdAt: now,
                expiresAt: now.addingTimeInterval(300))
        }
        #expect(try temporary.store.read { try $0.pendingRequest(accountID: id, relayToken: "t1") }?.requestID == "_r1")
        let first = try temporary.store.write { try $0.consumeRequest(accountID: id, requestID: "_r1", now: now) }
        #expect(first?.returnTo == "/tickets")
        #expect(try temporary.store.write { try $0.consumeRequest(accountID: id, requestID: "_r1", now: now) } == nil)
        #expect(
            try temporary.store.write {
                try $0.consumeRequest(accountID: id, requestID: "_r2", now: now.addingTimeInterval(301))
            }
                == nil)
    }

    @Test func sessionsAreStoredAsHashesAndExpire() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        let token = SecureRandom.token()
        try temporary.store.write { tx in
            let user = try tx.addUser(accountID: id, email: "u@example.com", role: .user)
            try tx.createSession(
                accountID: id, userID: user.id, token: token, authMethod: .saml, createdAt: now,
                expiresAt: now.addingTimeInterval(60))
        }
        let stored = try temporary.store.read { try $0.one("SELECT token_hash FROM session")?["token_hash"] as Data? }
        #expect(stored == Data(Digests.sha256(Array(token.utf8))))
        #expect(
            try temporary.store.read { try $0.session(accountID: id, token: token, now: now) }?.0.email
                == "u@example.com")
        #expect(
            try temporary.store.read { try $0.session(accountID: id, token: token, now: now.addingTimeInterval(61)) }
                == nil)
        #expect(try temporary.store.read { try $0.session(accountID: id, token: "wrong", now: now) } == nil)
        #expect(try temporary.store.write { try $0.revokeSessions(accountID: id, email: nil) } == 1)
        #expect(try temporary.store.read { try $0.sessions(accountID: id) }.isEmpty)
    }

    @Test func pruningDeletesOnlyExpiredRowsAndAtMostTheLimitOfEachTable() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        try temporary.store.write { tx in
            let user = try tx.addUser(accountID: id, email: "u@example.com", role: .user)
            for index in 0..<7 {
                let expired = index < 5
                let expiry = now.addingTimeInterval(expired ? -Double(60 * (index + 1)) : 60)
                try tx.createSession(
                    accountID: id, userID: user.id, token: "token-\(index)", authMethod: .saml,
                    createdAt: now.addingTimeInterval(-3600), expiresAt: expiry)
                #expect(try tx.recordAssertion(accountID: id, assertionID: "_a\(index)", keepUntil: expiry))
            }
        }
        func count(_ table: String) throws -> Int {
            try temporary.store.read { try $0.one("SELECT count(*) AS n FROM \(table)")?["n"] ?? -1 }
        }
        let first = try temporary.store.write { try $0.pruneExpired(now: now, limit: 3) }
        #expect(first.deleted == 6 && !first.complete)
        #expect(try count("session") == 4 && count("replay_cache") == 4)
        // The oldest went first: what is left expired most recently.
        #expect(
            try temporary.store.read {
                try $0.session(accountID: id, token: "token-0", now: now.addingTimeInterval(-61))
            } != nil)
        let second = try temporary.store.write { try $0.pruneExpired(now: now, limit: 3) }
        #expect(second.deleted == 4 && second.complete)
        #expect(try count("session") == 2 && count("replay_cache") == 2)
        // The live rows stay, and without a limit nothing is left undone.
        let unlimited = try temporary.store.write { try $0.pruneExpired(now: now) }
        #expect(unlimited.deleted == 0 && unlimited.complete)
        #expect(try temporary.store.read { try $0.session(accountID: id, token: "token-6", now: now) } != nil)
    }

    @Test func signInLogKeepsTheFailedCheck() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let entry = SignInLogEntry(
            time: Date(timeIntervalSince1970: 1_800_000_000), outcome: .rejected, method: .saml, email: "u@example.com",
            identityVerified: true, reason: "Audience mismatch", reference: "R-1", failedCheck: "audience",
            expected: "https://a",
            actual: "urn:foo", clockOffset: -3)
        try temporary.store.write { try $0.appendLog(accountID: id, entry) }
        try temporary.store.write {
            try $0.appendLog(
                accountID: id,
                SignInLogEntry(
                    time: Date(timeIntervalSince1970: 1_800_000_100), outcome: .accepted, method: .saml,
                    email: "u@example.com",
                    identityVerified: true, reason: "signed in", reference: "R-2"))
        }
        #expect(try temporary.store.read { try $0.log(accountID: id) }.map(\.reference) == ["R-2", "R-1"])
        #expect(try temporary.store.read { try $0.log(accountID: id, failuresOnly: true) } == [entry])
    }
}

/// Certificates from `Tests/Fixtures`.
enum CertificateImporterFixtures {
    static func read(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/certificates/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    static func rsa() throws -> [Certificate] { try CertificateImporter.certificates(from: read("rsa.pem")) }
    static func two() throws -> [Certificate] { try CertificateImporter.certificates(from: read("two.pem")) }
}

/// The settings version the responder's cache keys on.
struct SettingsVersionTests {
    @Test func everySaveBumpsTheVersion() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let first = try #require(try temporary.store.read { try $0.accountVersion(slug: "acme") })
        #expect(first.0.id == id)
        try temporary.store.write { try $0.saveSAMLSettings(accountID: id, SAMLSettings()) }
        let second = try #require(try temporary.store.read { try $0.accountVersion(slug: "acme") })
        #expect(second.1 == first.1 + 1)
        #expect(try temporary.store.read { try $0.accountVersion(slug: "nope") } == nil)
    }

    @Test func loginFailuresAreCountedPerEmailAndClientInAWindow() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        try temporary.store.write { tx in
            for offset in [-1000.0, -10, -5] {
                try tx.recordLoginFailure(
                    accountID: id, email: "A@example.com", clientAddress: "192.0.2.1",
                    now: now.addingTimeInterval(offset))
            }
            try tx.recordLoginFailure(accountID: id, email: "b@example.com", clientAddress: "192.0.2.1", now: now)
            try tx.recordLoginFailure(accountID: id, email: "a@example.com", clientAddress: "198.51.100.7", now: now)
        }
        let since = now.addingTimeInterval(-900)
        func count(_ email: String, _ client: String) throws -> Int {
            try temporary.store.read {
                try $0.loginFailures(accountID: id, email: email, clientAddress: client, since: since)
            }
        }
        #expect(try count("a@example.com", "192.0.2.1") == 2)
        #expect(try count("a@example.com", "198.51.100.7") == 1)
        #expect(
            try temporary.store.read { try $0.loginFailures(accountID: id, clientAddress: "192.0.2.1", since: since) }
                == 3)
        try temporary.store.write {
            try $0.clearLoginFailures(accountID: id, email: "a@EXAMPLE.com", clientAddress: "192.0.2.1")
        }
        #expect(try count("a@example.com", "192.0.2.1") == 0)
        #expect(try count("a@example.com", "198.51.100.7") == 1, "another client's failures stay")
    }
}
