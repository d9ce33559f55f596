import Foundation
import GRDB

/// A value read from one store and written to another (`samlgate store copy`), as it was read.
extension StoreValue: StoreBindable {
    var storeValue: StoreValue { self }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let data): data.databaseValue
        }
    }

    static func fromDatabaseValue(_ value: DatabaseValue) -> StoreValue? { StoreRow.storeValue(value) }
}
