import Foundation
import GRDB
import Testing

@testable import Store

/// The store's part of Single Logout: a session's IdP name, ending sessions by it, our pending
/// LogoutRequests and the replay cache for the IdP's.
@Suite(.timeLimit(.minutes(1)))
struct SingleLogoutStoreTests {
    static let email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

    /// A store with account `acme`, users u and v, and SAML sessions `u-1` (index _s1), `u-2` (_s2),
    /// `v-1` (_s1), plus a password session `u-p`.
    static func sessions() throws -> (TemporaryStore, Int64, Date) {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        try temporary.store.write { tx in
            let u = try tx.addUser(accountID: id, email: "u@example.com", role: .user)
            let v = try tx.addUser(accountID: id, email: "v@example.com", role: .user)
            for (token, user, nameID, index) in [
                ("u-1", u, "u@example.com", "_s1"), ("u-2", u, "u@example.com", "_s2"),
                ("v-1", v, "v@example.com", "_s1"),
            ] {
                try tx.createSession(
                    accountID: id, userID: user.id, token: token, authMethod: .saml, createdAt: now,
                    expiresAt: now.addingTimeInterval(600),
                    subject: SAMLSubject(
                        nameID: nameID, format: email, spNameQualifier: "https://help.example.com/sso/acme/metadata",
                        sessionIndex: index))
            }
            try tx.createSession(
                accountID: id, userID: u.id, token: "u-p", authMethod: .password, createdAt: now,
                expiresAt: now.addingTimeInterval(600))
        }
        return (temporary, id, now)
    }

    static func alive(_ temporary: TemporaryStore, _ id: Int64, _ now: Date) throws -> [String] {
        try ["u-1", "u-2", "v-1", "u-p"].filter { token in
            try temporary.store.read { try $0.session(accountID: id, token: token, now: now) } != nil
        }
    }

    @Test func endingASessionReturnsItsIdPName() throws {
        let (temporary, id, now) = try Self.sessions()
        let ended = try temporary.store.write { try $0.endSession(accountID: id, token: "u-2") }
        #expect(ended?.email == "u@example.com" && ended?.authMethod == .saml)
        #expect(
            ended?.subject
                == SAMLSubject(
                    nameID: "u@example.com", format: Self.email,
                    spNameQualifier: "https://help.example.com/sso/acme/metadata", sessionIndex: "_s2"))
        #expect(try temporary.store.write { try $0.endSession(accountID: id, token: "u-2") } == nil)
        #expect(try temporary.store.write { try $0.endSession(accountID: id, token: "u-p") }?.subject == nil)
        #expect(try Self.alive(temporary, id, now) == ["u-1", "v-1"])
    }

    @Test func endingByNameIDTakesTheSessionIndexesAndNeverAPasswordSession() throws {
        let (temporary, id, now) = try Self.sessions()
        var ended = try temporary.store.write {
            try $0.endSessions(accountID: id, nameID: "u@example.com", format: Self.email, sessionIndexes: ["_s1"])
        }
        #expect(ended == ["u@example.com"])
        #expect(try Self.alive(temporary, id, now) == ["u-2", "v-1", "u-p"])
        ended = try temporary.store.write {
            try $0.endSessions(accountID: id, nameID: "u@example.com", format: nil, sessionIndexes: [])
        }
        #expect(ended == ["u@example.com"])
        #expect(try Self.alive(temporary, id, now) == ["v-1", "u-p"])
    }

    @Test func anotherFormatOrAccountEndsNothing() throws {
        let (temporary, id, now) = try Self.sessions()
        let other = try temporary.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com").id
        }
        let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
        #expect(
            try temporary.store.write {
                try $0.endSessions(accountID: id, nameID: "v@example.com", format: persistent, sessionIndexes: [])
            }.isEmpty)
        #expect(
            try temporary.store.write {
                try $0.endSessions(accountID: other, nameID: "v@example.com", format: Self.email, sessionIndexes: [])
            }.isEmpty)
        #expect(
            try temporary.store.write {
                try $0.endSessions(accountID: id, nameID: "V@example.com", format: Self.email, sessionIndexes: [])
            }.isEmpty)
        #expect(try Self.alive(temporary, id, now).count == 4)
    }

    @Test func aPendingLogoutRequestIsConsumedOnceAndNotAfterItExpires() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let now = Date()
        try temporary.store.write { tx in
            try tx.rememberLogoutRequest(
                accountID: id, requestID: "_r1", email: "u@example.com", createdAt: now,
                expiresAt: now.addingTimeInterval(60))
            try tx.rememberLogoutRequest(
                accountID: id, requestID: "_r2", email: "u@example.com", createdAt: now,
                expiresAt: now.addingTimeInterval(60))
        }
        #expect(
            try temporary.store.write { try $0.consumeLogoutRequest(accountID: id, requestID: "_r1", now: now) }
                == "u@example.com")
        #expect(
            try temporary.store.write { try $0.consumeLogoutRequest(accountID: id, requestID: "_r1", now: now) } == nil)
        #expect(
            try temporary.store.write {
                try $0.consumeLogoutRequest(accountID: id, requestID: "_r2", now: now.addingTimeInterval(61))
            } == nil)
        #expect(try temporary.store.write { try $0.pruneExpired(now: now.addingTimeInterval(61)) }.deleted == 1)
    }

    /// The IdP's LogoutRequest IDs share the replay cache with Assertion IDs without ever colliding.
    @Test func logoutRequestIDsAreRememberedOnceBesideAssertionIDs() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let until = Date().addingTimeInterval(60)
        #expect(
            try temporary.store.write { try $0.recordLogoutRequest(accountID: id, requestID: "_x", keepUntil: until) })
        #expect(
            try !temporary.store.write { try $0.recordLogoutRequest(accountID: id, requestID: "_x", keepUntil: until) })
        #expect(
            try temporary.store.write { try $0.recordAssertion(accountID: id, assertionID: "_x", keepUntil: until) })
    }

    @Test func sloSettingsAndLogoutRowsRoundTrip() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        var settings = try temporary.store.read { try $0.samlSettings(accountID: id) }
        #expect(settings.sloURL == nil && settings.sloBinding == .redirect && settings.appLogoutCookies.isEmpty)
        settings.sloURL = "https://idp.example.com/slo"
        settings.sloResponseURL = "https://idp.example.com/slo-response"
        settings.sloBinding = .post
        settings.appLogoutCookies = ["a", "b_c"]
        try temporary.store.write { try $0.saveSAMLSettings(accountID: id, settings) }
        let stored = try temporary.store.read { try $0.samlSettings(accountID: id) }
        #expect(stored.sloURL == settings.sloURL && stored.sloResponseURL == settings.sloResponseURL)
        #expect(stored.sloBinding == .post && stored.appLogoutCookies == ["a", "b_c"])
        try temporary.store.write { tx in
            try tx.appendLog(
                accountID: id,
                SignInLogEntry(
                    time: Date(), outcome: .accepted, method: .saml, email: "u@example.com", identityVerified: true,
                    reason: "signed out", reference: "R", event: .signOut))
        }
        #expect(try temporary.store.read { try $0.log(accountID: id) }.first?.event == .signOut)
    }
}
