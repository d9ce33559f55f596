import Foundation
import GRDB
import TestSupport
import Testing

@testable import Store

/// The sign-in log keeps a bounded amount of what a message carried, and no row past its account's retention.
struct SignInLogTests {
    private func entry(time: Date, reference: String, text: String = "x") -> SignInLogEntry {
        SignInLogEntry(
            time: time, outcome: .rejected, method: .saml, email: text, identityVerified: false, reason: text,
            reference: reference, failedCheck: "destination", expected: text, actual: text, clientAddress: text)
    }

    @Test func everyTextFieldIsCutTo512Characters() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let huge = String(repeating: "é", count: 180_000)
        try temporary.store.write { try $0.appendLog(accountID: id, entry(time: Date(), reference: "R-1", text: huge)) }
        let stored = try #require(try temporary.store.read { try $0.log(accountID: id) }.first)
        for field in [stored.email, stored.reason, stored.expected, stored.actual, stored.clientAddress] {
            let value = try #require(field)
            #expect(value.count == SignInLogEntry.fieldLimit && value.hasSuffix("\u{2026}"))
        }
        let bytes = try temporary.store.read {
            let bytes = $0.dialect == .sqlite ? "length(CAST(actual AS BLOB))" : "octet_length(actual)"
            return try $0.one("SELECT sum(\(bytes)) AS n FROM signin_log")?["n"] ?? 0
        }
        #expect(bytes <= 2 * SignInLogEntry.fieldLimit + 2)
    }

    @Test func shortValuesAreKeptAsTheyAre() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.addAcme()
        let exact = String(repeating: "a", count: SignInLogEntry.fieldLimit)
        try temporary.store.write {
            try $0.appendLog(accountID: id, entry(time: Date(), reference: "R-1", text: exact))
        }
        #expect(try temporary.store.read { try $0.log(accountID: id) }.first?.actual == exact)
    }

    @Test func rowsOlderThanTheAccountsRetentionArePrunedInBoundedSteps() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let beta = try temporary.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com").id
        }
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        try temporary.store.write { tx in
            var settings = try tx.samlSettings(accountID: beta)
            settings.logRetention = 86_400
            try tx.saveSAMLSettings(accountID: beta, settings)
            for day in 0..<5 {
                let time = now.addingTimeInterval(-Double(day) * 86_400 * 30)  // 0, 30, 60, 90, 120 days ago
                try tx.appendLog(accountID: acme, entry(time: time, reference: "acme-\(day)"))
                try tx.appendLog(accountID: beta, entry(time: time, reference: "beta-\(day)"))
            }
        }
        #expect(try temporary.store.read { try $0.samlSettings(accountID: acme) }.logRetention == 90 * 86_400)
        let first = try temporary.store.write { try $0.pruneExpired(now: now, limit: 3) }
        #expect(!first.complete)
        try temporary.store.write { _ = try $0.pruneExpired(now: now, limit: 3) }
        let references = try temporary.store.read { tx in
            (try tx.log(accountID: acme) + tx.log(accountID: beta)).map(\.reference)
        }
        // acme keeps 90 days (the row exactly 90 days old goes), beta one day.
        #expect(Set(references) == ["acme-0", "acme-1", "acme-2", "beta-0"])
    }

    @Test(.enabled(if: TestDatabase.isSQLite)) func theDatabaseFileIsCreatedForItsOwnerOnly() throws {
        let temporary = try TemporaryStore()
        _ = try temporary.addAcme()
        for suffix in ["", "-wal", "-shm"] {
            let path = temporary.folder.appendingPathComponent("test.db" + suffix).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = try #require(attributes[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(suffix): \(String(mode, radix: 8))")
        }
    }
}

/// The sign-in counters the metrics read: sign-ins only, by method, outcome and failed check.
struct SignInCountTests {
    private func entry(
        _ outcome: SignInLogEntry.Outcome, _ method: SessionRecord.AuthMethod, check: String? = nil,
        event: SignInLogEntry.Event = .signIn
    ) -> SignInLogEntry {
        SignInLogEntry(
            time: Date(timeIntervalSince1970: 1_900_000_000), outcome: outcome, method: method,
            email: "alice@example.com", identityVerified: outcome == .accepted, reason: "r", reference: "R",
            failedCheck: check, event: event)
    }

    @Test func signInsAreCountedByMethodOutcomeAndCheckButSignOutsAreNot() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let beta = try temporary.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com").id
        }
        try temporary.store.write { tx in
            try tx.appendLog(accountID: acme, entry(.accepted, .saml))
            try tx.appendLog(accountID: acme, entry(.rejected, .saml, check: "audience"))
            try tx.appendLog(accountID: acme, entry(.rejected, .saml, check: "audience"))
            try tx.appendLog(accountID: acme, entry(.rejected, .saml, check: "replay"))
            try tx.appendLog(accountID: acme, entry(.rejected, .password, check: "password"))
            try tx.appendLog(accountID: acme, entry(.accepted, .saml, event: .signOut))
            try tx.appendLog(accountID: acme, entry(.rejected, .saml, check: "signature", event: .signOut))
            try tx.appendLog(accountID: beta, entry(.accepted, .password))
        }
        let counts = try temporary.store.read { try $0.signInCounts() }
        #expect(
            counts == [
                SignInCount(account: "acme", method: "password", outcome: "rejected", check: "password", count: 1),
                SignInCount(account: "acme", method: "saml", outcome: "accepted", check: "", count: 1),
                SignInCount(account: "acme", method: "saml", outcome: "rejected", check: "audience", count: 2),
                SignInCount(account: "acme", method: "saml", outcome: "rejected", check: "replay", count: 1),
                SignInCount(account: "beta", method: "password", outcome: "accepted", check: "", count: 1),
            ])
    }

    @Test func countsOutliveTheLogRowsTheyCounted() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        try temporary.store.write { try $0.appendLog(accountID: acme, entry(.accepted, .saml)) }
        let later = Date(timeIntervalSince1970: 1_900_000_000 + 365 * 86_400)
        _ = try temporary.store.write { try $0.pruneExpired(now: later, limit: 100) }
        #expect(try temporary.store.read { try $0.log(accountID: acme) }.isEmpty)
        #expect(try temporary.store.read { try $0.signInCounts() }.map(\.count) == [1])
    }
}
