import GRDB

/// The store's operations, run inside one transaction opened by ``Store/write(_:)`` or ``Store/read(_:)``.
///
/// Grouping several operations in one `write` makes them atomic: an ACS post-back records the
/// assertion ID, consumes the request ID, creates the session and logs the attempt together.
public struct StoreTransaction {
    let db: Database

    init(db: Database) {
        self.db = db
    }

    /// The rows changed by the last statement.
    var changes: Int { db.changesCount }
}
