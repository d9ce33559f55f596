import Foundation

/// One SQL value as the store binds and reads it, whichever backend runs the statement.
///
/// Five kinds are all the schema uses: integers (ids, times in Unix seconds, 0/1 flags), text, blobs
/// (DER certificates, token digests, sealed keys), reals (none stored yet, kept for completeness) and NULL.
enum StoreValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}
