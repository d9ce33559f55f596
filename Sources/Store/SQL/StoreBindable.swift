import Foundation
import GRDB

/// A Swift value that can be bound to a statement parameter.
///
/// It is GRDB's `DatabaseValueConvertible` too, so a SQLite statement binds it as GRDB always did (no
/// intermediate value on the hot path); PostgreSQL binds ``storeValue``.
protocol StoreBindable: DatabaseValueConvertible {
    /// The value as bound.
    var storeValue: StoreValue { get }
}

extension Int64: StoreBindable {
    var storeValue: StoreValue { .integer(self) }
}

extension Int: StoreBindable {
    var storeValue: StoreValue { .integer(Int64(self)) }
}

extension Bool: StoreBindable {
    /// Flags are stored as 0 and 1 on every backend (the schema's `CHECK (x IN (0, 1))`).
    var storeValue: StoreValue { .integer(self ? 1 : 0) }
}

extension Double: StoreBindable {
    var storeValue: StoreValue { .real(self) }
}

extension String: StoreBindable {
    var storeValue: StoreValue { .text(self) }
}

extension Data: StoreBindable {
    var storeValue: StoreValue { .blob(self) }
}

extension Optional: StoreBindable where Wrapped: StoreBindable {
    var storeValue: StoreValue { self?.storeValue ?? .null }
}
