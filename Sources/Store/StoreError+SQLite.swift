import GRDB

extension StoreError {
    /// Maps an SQLite failure to a store error, keeping busy/locked distinct because callers retry or answer 503.
    init(_ error: any Error) {
        if let storeError = error as? StoreError {
            self = storeError
        } else if let databaseError = error as? DatabaseError {
            switch databaseError.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
            default: self = .database(databaseError.message ?? "\(databaseError)")
            }
        } else {
            self = .database("\(error)")
        }
    }
}
