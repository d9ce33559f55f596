import Foundation
import TestSupport

@testable import Store

/// A migrated store in a fresh temporary folder, removed when the value is released.
final class TemporaryStore {
    let folder: URL
    let store: Store
    /// The database: the SQLite file's path, or the PostgreSQL URL (another ``Store`` on it is another node).
    let location: String

    init(migrate: Bool = true, checkpoints: Store.Checkpoints = .automatic) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samlgate-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        location = try TestDatabase.make(folder: folder)
        store = try Store(path: location, create: true, checkpoints: checkpoints)
        if migrate { try store.migrate() }
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Adds account `acme` and returns its id.
    func addAcme() throws -> Int64 {
        try store.write { try $0.addAccount(slug: "acme", name: "Acme", baseURL: "https://help.example.com").id }
    }
}
