/// The parameters of one statement, in order (`?`, or `?N` for the N-th).
struct StoreArguments: ExpressibleByArrayLiteral {
    /// The values as the caller gave them; nil binds NULL.
    var elements: [(any StoreBindable)?]

    /// Arguments from values of any bindable type; nil binds NULL.
    init(arrayLiteral elements: (any StoreBindable)?...) {
        self.elements = elements
    }

    /// Arguments from a list built at run time.
    init(_ elements: [(any StoreBindable)?]) {
        self.elements = elements
    }

    /// The values, as bound.
    var values: [StoreValue] { elements.map { $0?.storeValue ?? .null } }
}
