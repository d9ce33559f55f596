/// The parameters of one statement, in order (`?`, or `?N` for the N-th).
struct StoreArguments: ExpressibleByArrayLiteral, Sendable {
    /// The values, as bound.
    var values: [StoreValue] = []

    /// Arguments from values of any bindable type; nil binds NULL.
    init(arrayLiteral elements: (any StoreBindable)?...) {
        values = elements.map { $0?.storeValue ?? .null }
    }

    /// Arguments from a list built at run time.
    init(_ elements: [(any StoreBindable)?]) {
        values = elements.map { $0?.storeValue ?? .null }
    }
}
