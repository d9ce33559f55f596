import Credentials
import Foundation
import GRDB
import Testing

@testable import Store

/// SP keys: one active key per account, rollover next → active → retired, the active key kept, and
/// every change moving the settings version responders cache on.
struct SPKeyTests {
    private static let start = Date(timeIntervalSince1970: 1_900_000_000)

    /// Adds a key whose certificate, fingerprint and sealed key are derived from `tag`; the store
    /// treats all three as opaque, so no real certificate is needed.
    @discardableResult
    private func add(
        _ tx: StoreTransaction, _ accountID: Int64, _ state: SPKey.State, _ tag: Int, sha256: String? = nil
    ) throws -> SPKey {
        try tx.addSPKey(
            accountID: accountID, state: state, certificateDER: Array("certificate \(tag)".utf8),
            sha256: sha256 ?? Self.fingerprint(tag), notAfter: Self.start.addingTimeInterval(10 * 365 * 86_400),
            sealedPrivateKey: Array("sealed \(tag)".utf8), now: Self.start.addingTimeInterval(Double(tag) * 60))
    }

    /// The SHA-256 fingerprint of `tag`'s certificate bytes, as the store checks on every read.
    private static func fingerprint(_ tag: Int) -> String {
        Digests.sha256Fingerprint(Array("certificate \(tag)".utf8))
    }

    private func version(_ temporary: TemporaryStore, _ slug: String = "acme") throws -> Int64 {
        try #require(try temporary.store.read { try $0.accountVersion(slug: slug) }).1
    }

    @Test func addedKeysComeBackAsStoredAndListActiveThenNextThenRetiredNewestFirst() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let first = try temporary.store.write { try add($0, acme, .active, 1) }
        #expect(first.accountID == acme && first.state == .active)
        #expect(first.certificateDER == Array("certificate 1".utf8) && first.sealedPrivateKey == Array("sealed 1".utf8))
        #expect(first.sha256 == Self.fingerprint(1))
        #expect(first.notAfter == Self.start.addingTimeInterval(10 * 365 * 86_400))
        #expect(first.createdAt == Self.start.addingTimeInterval(60))
        let ids = try temporary.store.write { tx in
            let second = try add(tx, acme, .next, 2)
            try tx.activateSPKey(accountID: acme, id: second.id)
            let third = try add(tx, acme, .next, 3)
            try tx.activateSPKey(accountID: acme, id: third.id)
            return [first.id, second.id, third.id, try add(tx, acme, .next, 4).id, try add(tx, acme, .next, 5).id]
        }
        let keys = try temporary.store.read { try $0.spKeys(accountID: acme) }
        #expect(keys.map(\.id) == [ids[2], ids[4], ids[3], ids[1], ids[0]])
        #expect(keys.map(\.state) == [.active, .next, .next, .retired, .retired])
        #expect(try temporary.store.read { try $0.spKey(accountID: acme, id: first.id) } == keys.last)
    }

    @Test func aSecondActiveKeyIsRefusedOtherStatesAreNot() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        _ = try temporary.store.write { try add($0, acme, .active, 1) }
        #expect(throws: StoreError.secondActiveSPKey) { try temporary.store.write { try add($0, acme, .active, 2) } }
        _ = try temporary.store.write { try add($0, acme, .next, 2) }
        _ = try temporary.store.write { try add($0, acme, .retired, 3) }
        #expect(try temporary.store.read { try $0.spKeys(accountID: acme) }.map(\.state) == [.active, .next, .retired])
    }

    /// The unique partial index holds even for SQL that bypasses the operations.
    @Test func theSchemaAllowsOneActiveKeyPerAccount() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let beta = try temporary.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com").id
        }
        try temporary.store.write { tx in
            try add(tx, acme, .active, 1)
            try add(tx, beta, .active, 2)
        }
        #expect(throws: StoreError.self) {
            try temporary.store.write { tx in
                try tx.run(
                    """
                    INSERT INTO sp_key (account_id, state, certificate, sha256, not_after, created_at,
                        sealed_private_key) VALUES (?, 'active', ?, 'AB', 0, 0, ?)
                    """, [acme, Data([0]), Data([0])])
            }
        }
    }

    @Test func activationMakesTheNextKeyActiveAndRetiresTheOldOne() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let (old, new) = try temporary.store.write { tx in
            (try add(tx, acme, .active, 1), try add(tx, acme, .next, 2))
        }
        try temporary.store.write { try $0.activateSPKey(accountID: acme, id: new.id) }
        let states = try temporary.store.read { tx in
            (try tx.spKey(accountID: acme, id: old.id)?.state, try tx.spKey(accountID: acme, id: new.id)?.state)
        }
        #expect(states.0 == .retired && states.1 == .active)
    }

    @Test func aNextKeyOfAnAccountWithoutActiveKeyCanBeActivated() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let key = try temporary.store.write { try add($0, acme, .next, 1) }
        try temporary.store.write { try $0.activateSPKey(accountID: acme, id: key.id) }
        #expect(try temporary.store.read { try $0.spKey(accountID: acme, id: key.id) }?.state == .active)
    }

    @Test func onlyANextKeyOfThisAccountCanBeActivated() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let beta = try temporary.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com").id
        }
        let (retired, active, betaKey) = try temporary.store.write { tx in
            let retired = try add(tx, acme, .active, 1)
            let active = try add(tx, acme, .next, 2)
            try tx.activateSPKey(accountID: acme, id: active.id)
            return (retired, active, try add(tx, beta, .next, 3))
        }
        let before = try temporary.store.read { try $0.spKeys(accountID: acme) }
        #expect(throws: StoreError.spKeyNotActivatable(id: retired.id, state: .retired)) {
            try temporary.store.write { try $0.activateSPKey(accountID: acme, id: retired.id) }
        }
        #expect(throws: StoreError.spKeyNotActivatable(id: active.id, state: .active)) {
            try temporary.store.write { try $0.activateSPKey(accountID: acme, id: active.id) }
        }
        #expect(throws: StoreError.unknownSPKey(id: betaKey.id)) {
            try temporary.store.write { try $0.activateSPKey(accountID: acme, id: betaKey.id) }
        }
        #expect(throws: StoreError.unknownSPKey(id: 999)) {
            try temporary.store.write { try $0.activateSPKey(accountID: acme, id: 999) }
        }
        #expect(try temporary.store.read { try $0.spKeys(accountID: acme) } == before)
        #expect(
            StoreError.spKeyNotActivatable(id: 7, state: .retired).description
                == "SP key 7 is retired; only a next key can be activated")
    }

    @Test func theActiveKeyCannotBeRemovedButNextAndRetiredKeysCan() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let (retired, active, next) = try temporary.store.write { tx in
            let retired = try add(tx, acme, .active, 1)
            let active = try add(tx, acme, .next, 2)
            try tx.activateSPKey(accountID: acme, id: active.id)
            return (retired, active, try add(tx, acme, .next, 3))
        }
        #expect(throws: StoreError.activeSPKeyNotRemovable) {
            try temporary.store.write { try $0.removeSPKey(accountID: acme, id: active.id) }
        }
        #expect(
            StoreError.activeSPKeyNotRemovable.description
                == "the active SP key cannot be removed; activate another first")
        #expect(throws: StoreError.unknownSPKey(id: 999)) {
            try temporary.store.write { try $0.removeSPKey(accountID: acme, id: 999) }
        }
        try temporary.store.write { try $0.removeSPKey(accountID: acme, id: retired.id) }
        try temporary.store.write { try $0.removeSPKey(accountID: acme, id: next.id) }
        #expect(try temporary.store.read { try $0.spKeys(accountID: acme) }.map(\.id) == [active.id])
        #expect(throws: StoreError.unknownSPKey(id: retired.id)) {
            try temporary.store.write { try $0.removeSPKey(accountID: acme, id: retired.id) }
        }
    }

    @Test func aCertificateIsAddedOncePerAccount() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let beta = try temporary.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com").id
        }
        _ = try temporary.store.write { try add($0, acme, .active, 1) }
        #expect(throws: StoreError.duplicateSPKey(sha256: Self.fingerprint(1))) {
            try temporary.store.write { try add($0, acme, .next, 2, sha256: Self.fingerprint(1)) }
        }
        _ = try temporary.store.write { try add($0, beta, .active, 1) }
        #expect(try temporary.store.read { try $0.spKeys(accountID: acme) }.count == 1)
    }

    @Test func addingActivatingAndRemovingBumpTheSettingsVersionAndRefusalsDoNot() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let initial = try version(temporary)
        let first = try temporary.store.write { try add($0, acme, .active, 1) }
        #expect(try version(temporary) == initial + 1)
        let second = try temporary.store.write { try add($0, acme, .next, 2) }
        #expect(try version(temporary) == initial + 2)
        try temporary.store.write { try $0.activateSPKey(accountID: acme, id: second.id) }
        #expect(try version(temporary) == initial + 3)
        try temporary.store.write { try $0.removeSPKey(accountID: acme, id: first.id) }
        #expect(try version(temporary) == initial + 4)
        #expect(throws: StoreError.self) { try temporary.store.write { try add($0, acme, .active, 3) } }
        #expect(throws: StoreError.self) {
            try temporary.store.write { try $0.removeSPKey(accountID: acme, id: second.id) }
        }
        #expect(try version(temporary) == initial + 4)
    }

    @Test func accountsWithoutAnActiveKeyAreListedBySlug() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        let beta = try temporary.store.write {
            try $0.addAccount(slug: "beta", name: "Beta", baseURL: "https://beta.example.com").id
        }
        _ = try temporary.store.write {
            try $0.addAccount(slug: "aardvark", name: "Aardvark", baseURL: "https://a.example.com")
        }
        func slugs() throws -> [String] { try temporary.store.read { try $0.accountsWithoutSPKey() }.map(\.slug) }
        #expect(try slugs() == ["aardvark", "acme", "beta"])
        let next = try temporary.store.write { try add($0, beta, .next, 1) }
        #expect(try slugs() == ["aardvark", "acme", "beta"])
        try temporary.store.write { try $0.activateSPKey(accountID: beta, id: next.id) }
        _ = try temporary.store.write { try add($0, acme, .active, 2) }
        #expect(try slugs() == ["aardvark"])
    }

    /// A row whose fingerprint column no longer names its certificate is refused, not shown or used.
    @Test func aRowWithAnAlteredFingerprintIsRefusedOnRead() throws {
        let temporary = try TemporaryStore()
        let acme = try temporary.addAcme()
        _ = try temporary.store.write { try add($0, acme, .active, 1) }
        try temporary.store.write { tx in
            try tx.run("UPDATE sp_key SET sha256 = ? WHERE account_id = ?", [Self.fingerprint(2), acme])
        }
        #expect(throws: StoreError.self) { try temporary.store.read { try $0.spKeys(accountID: acme) } }
        #expect(throws: StoreError.self) { try temporary.store.read { try $0.anySPKey() } }
    }
}
