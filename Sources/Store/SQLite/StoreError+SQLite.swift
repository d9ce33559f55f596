import GRDB

extension StoreError {
    /// Maps an SQLite failure to a store error: busy/locked stay distinct because callers retry or answer 503,
    /// and failures of the file itself (full, read-only, I/O, cannot open, damaged) become ``unavailable(_:detail:)``
    /// so they are reported as an outage an admin must fix, not as a bug.
    init(_ error: any Error) {
        if let storeError = error as? StoreError {
            self = storeError
        } else if let databaseError = error as? DatabaseError {
            let message = databaseError.message ?? "\(databaseError)"
            if let fault = Self.storageFault(databaseError.resultCode) {
                self = .unavailable(
                    fault, detail: "\(message); SQLite code \(databaseError.extendedResultCode.rawValue)")
            } else {
                switch databaseError.resultCode {
                case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
                default: self = .database(message)
                }
            }
        } else {
            self = .database("\(error)")
        }
    }

    /// The storage fault a primary result code stands for, or nil when the file itself is fine.
    static func storageFault(_ code: ResultCode) -> StorageFault? {
        switch code {
        case .SQLITE_READONLY, .SQLITE_PERM: .readOnly
        case .SQLITE_FULL: .diskFull
        case .SQLITE_IOERR, .SQLITE_NOLFS: .ioError
        case .SQLITE_CANTOPEN: .cannotOpen
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: .damaged
        default: nil
        }
    }
}
