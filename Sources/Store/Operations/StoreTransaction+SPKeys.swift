import Credentials
import Foundation
import GRDB

extension StoreTransaction {
    /// Adds an SP key; its private key arrives sealed and is stored as given.
    ///
    /// A key may start `active` only while the account has none (its first key); a rollover adds a
    /// `next` key and activates it later (`retired` is accepted too, for a key kept only to decrypt).
    /// Bumps the settings version, so responders reload the keys they publish and use.
    @discardableResult
    public func addSPKey(
        accountID: Int64, state: SPKey.State, certificateDER: [UInt8], sha256: String, notAfter: Date,
        sealedPrivateKey: [UInt8], now: Date = Date()
    ) throws -> SPKey {
        if state == .active, try activeSPKeyID(accountID: accountID) != nil {
            throw StoreError.secondActiveSPKey
        }
        if try one("SELECT 1 FROM sp_key WHERE account_id = ? AND sha256 = ?", [accountID, sha256]) != nil {
            throw StoreError.duplicateSPKey(sha256: sha256)
        }
        guard
            let id: Int64 = try one(
                """
                INSERT INTO sp_key (account_id, state, certificate, sha256, not_after, created_at, sealed_private_key)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    accountID, state.rawValue, Data(certificateDER), sha256, Int64(notAfter.timeIntervalSince1970),
                    Int64(now.timeIntervalSince1970), Data(sealedPrivateKey),
                ])?["id"]
        else { throw StoreError.database("SP key vanished after insert") }
        try keysChanged(accountID: accountID, now: now)
        guard let key = try spKey(accountID: accountID, id: id) else {
            throw StoreError.database("SP key vanished after insert")
        }
        return key
    }

    /// The account's SP keys: the active one, then next keys, then retired ones, newest first within each.
    public func spKeys(accountID: Int64) throws -> [SPKey] {
        try all(
            """
            \(Self.spKeyColumns) WHERE account_id = ?
            ORDER BY CASE state WHEN 'active' THEN 0 WHEN 'next' THEN 1 ELSE 2 END, created_at DESC, id DESC
            """,
            [accountID]
        ).map(SPKey.init(row:))
    }

    /// Any one stored SP key of any account, or nil when there is none: enough to check that a secret
    /// file is the one the installation's keys were sealed under.
    public func anySPKey() throws -> SPKey? {
        try one("\(Self.spKeyColumns) ORDER BY id LIMIT 1", []).map(SPKey.init(row:))
    }

    /// The account's SP key with `id`, or nil (also for another account's key).
    public func spKey(accountID: Int64, id: Int64) throws -> SPKey? {
        try one("\(Self.spKeyColumns) WHERE account_id = ? AND id = ?", [accountID, id]).map(SPKey.init(row:))
    }

    /// Makes the `next` key `id` the account's active key and retires the previous active one.
    ///
    /// Both changes happen in the caller's write transaction, so no reader ever sees two active keys
    /// or none. The old key is retired first: the unique index allows one active key per account even
    /// between the two statements.
    ///
    /// Key changes of one account are ordered by its settings row (held first, see
    /// ``lockSettingsRow(accountID:)``), so an activation and a removal of the same key on two nodes
    /// cannot leave the account without an active key.
    public func activateSPKey(accountID: Int64, id: Int64, now: Date = Date()) throws {
        try lockSettingsRow(accountID: accountID)
        guard let key = try spKey(accountID: accountID, id: id) else { throw StoreError.unknownSPKey(id: id) }
        guard key.state == .next else { throw StoreError.spKeyNotActivatable(id: id, state: key.state) }
        try run("UPDATE sp_key SET state = 'retired' WHERE account_id = ? AND state = 'active'", [accountID])
        try run(
            "UPDATE sp_key SET state = 'active' WHERE account_id = ? AND id = ? AND state = 'next'", [accountID, id])
        guard changes == 1 else { throw StoreError.spKeyNotActivatable(id: id, state: key.state) }
        try keysChanged(accountID: accountID, now: now)
    }

    /// Deletes a `next` or `retired` key; the active key stays until another is activated.
    ///
    /// A retired key still decrypts assertions encrypted to it before the rollover: remove it once
    /// the IdP has stopped using it.
    public func removeSPKey(accountID: Int64, id: Int64, now: Date = Date()) throws {
        try lockSettingsRow(accountID: accountID)
        guard let key = try spKey(accountID: accountID, id: id) else { throw StoreError.unknownSPKey(id: id) }
        guard key.state != .active else { throw StoreError.activeSPKeyNotRemovable }
        try run("DELETE FROM sp_key WHERE account_id = ? AND id = ? AND state <> 'active'", [accountID, id])
        guard changes == 1 else { throw StoreError.activeSPKeyNotRemovable }
        try keysChanged(accountID: accountID, now: now)
    }

    /// The accounts without an active SP key, by slug: those `samlgate init` gives a first key.
    public func accountsWithoutSPKey() throws -> [Account] {
        try all(
            """
            SELECT id, slug, name, base_url FROM account
            WHERE NOT EXISTS (SELECT 1 FROM sp_key WHERE sp_key.account_id = account.id AND sp_key.state = 'active')
            ORDER BY slug
            """
        ).map(Account.init(row:))
    }

    /// The id of the account's active key, or nil.
    private func activeSPKeyID(accountID: Int64) throws -> Int64? {
        try one("SELECT id FROM sp_key WHERE account_id = ? AND state = 'active'", [accountID])?["id"]
    }

    /// Bumps the account's settings version, as a settings save does: responders cache the keys with
    /// the settings and reload both when the version moves.
    private func keysChanged(accountID: Int64, now: Date) throws {
        try run(
            "UPDATE saml_settings SET version = version + 1, updated_at = ? WHERE account_id = ?",
            [Int64(now.timeIntervalSince1970), accountID])
        guard changes == 1 else { throw StoreError.database("account \(accountID) has no SAML settings row") }
    }

    private static let spKeyColumns = """
        SELECT id, account_id, state, certificate, sha256, not_after, created_at, sealed_private_key FROM sp_key
        """
}

extension SPKey {
    /// A row selected by `spKeyColumns`.
    init(row: StoreRow) throws {
        let id: Int64 = row["id"]
        let stateName: String = row["state"]
        guard let state = State(rawValue: stateName) else {
            throw StoreError.database("SP key \(id) has an unknown state '\(stateName)'")
        }
        // The fingerprint is what admins compare and what binds the sealed key: never trust the column
        // over the certificate it names.
        let certificate = [UInt8](row["certificate"] as Data)
        let sha256: String = row["sha256"]
        guard Digests.sha256Fingerprint(certificate) == sha256 else {
            throw StoreError.database(
                "SP key \(id)'s certificate does not match its stored SHA-256 (the row was altered)")
        }
        self.init(
            id: id, accountID: row["account_id"], state: state,
            certificateDER: certificate, sha256: sha256,
            notAfter: Date(timeIntervalSince1970: TimeInterval(row["not_after"] as Int64)),
            createdAt: Date(timeIntervalSince1970: TimeInterval(row["created_at"] as Int64)),
            sealedPrivateKey: [UInt8](row["sealed_private_key"] as Data))
    }
}
