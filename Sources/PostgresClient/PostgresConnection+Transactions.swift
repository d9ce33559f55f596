/// Transaction control, through the simple protocol (nothing to prepare, nothing to cache).
extension PostgresConnection {
    /// Opens a transaction at `isolation`; the statements up to ``commit()`` or ``rollback()`` see one another
    /// and no one else sees them until the commit. `readOnly` forbids writes, set in the same round trip.
    public func begin(isolation: PostgresIsolation = .readCommitted, readOnly: Bool = false) throws(PostgresError) {
        try executeScript("BEGIN ISOLATION LEVEL \(isolation.sql)\(readOnly ? " READ ONLY" : "")")
    }

    /// Commits the open transaction.
    ///
    /// PostgreSQL answers `COMMIT` in a transaction that already failed by rolling it back without an error
    /// (the command tag reads `ROLLBACK`); that is reported as a failure here, so a caller that missed the
    /// first error cannot take the work for committed.
    public func commit() throws(PostgresError) {
        let result = try executeScript("COMMIT")
        guard result.command != "ROLLBACK" else {
            throw .queryFailed(sqlState: "25P02", message: "the transaction had failed, so COMMIT rolled it back")
        }
    }

    /// Rolls back the open transaction, if any (PostgreSQL only warns when there is none).
    public func rollback() throws(PostgresError) {
        try executeScript("ROLLBACK")
    }
}
