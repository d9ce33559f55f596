import Foundation

extension Store {
    /// Copies every row of every table of `source` into this store, in one transaction: the copy is whole or
    /// not there at all. This store must be migrated and hold no row in any table (``StoreError/targetNotEmpty(table:)``);
    /// `source` must be at this build's schema. Returns the rows copied per table, in copy order.
    ///
    /// Each table is read whole from one snapshot of `source`; ids are kept (PostgreSQL's identity sequences
    /// are moved past them), so sessions, keys and log rows keep pointing at their accounts and users.
    @discardableResult
    public func copy(from source: Store, progress: (String, Int) -> Void = { _, _ in }) throws -> [(
        table: String, rows: Int
    )] {
        try source.checkSchema()
        try checkSchema()
        let contents = try source.read { tx in try StoreTable.all.map { table in (table, try tx.rows(of: table)) } }
        return try write { tx in
            for table in StoreTable.all {
                if try tx.one("SELECT 1 AS present FROM \(table.name) LIMIT 1") != nil {
                    throw StoreError.targetNotEmpty(table: table.name.replacingOccurrences(of: "\"", with: ""))
                }
            }
            var copied: [(table: String, rows: Int)] = []
            for (table, rows) in contents {
                let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
                let insert = "INSERT INTO \(table.name) (\(table.columnList)) VALUES (\(placeholders))"
                for row in rows {
                    try tx.run(insert, StoreArguments(row.map { $0 }))
                }
                if tx.dialect == .postgresql, let identity = table.identity {
                    try tx.run(
                        """
                        SELECT setval(pg_get_serial_sequence('\(table.name)', '\(identity)'), coalesce(max(\(identity)), 0) + 1, false)
                        FROM \(table.name)
                        """)
                }
                let name = table.name.replacingOccurrences(of: "\"", with: "")
                progress(name, rows.count)
                copied.append((name, rows.count))
            }
            return copied
        }
    }

    /// Every table's rows, each value as its column's kind and the rows sorted: two stores with the same
    /// contents give the same answer whatever their engines (what the copy's test compares).
    func contents() throws -> [String: [[StoreValue]]] {
        try read { tx in
            var all: [String: [[StoreValue]]] = [:]
            for table in StoreTable.all {
                all[table.name] = try tx.rows(of: table).sorted { "\($0)" < "\($1)" }
            }
            return all
        }
    }
}

extension StoreTransaction {
    /// The rows of `table`, each value as its column's kind.
    fileprivate func rows(of table: StoreTable) throws -> [[StoreValue]] {
        try all("SELECT \(table.columnList) FROM \(table.name)").map { row in
            table.columns.indices.map { table.normalized(row[$0] as StoreValue, column: $0) }
        }
    }
}
