import Foundation

/// Calls `body` with `strings` as an array of C strings, valid only during the call: libpq's keyword and value
/// lists are such arrays, ended by a NULL entry.
func withCStrings<Result>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
}
