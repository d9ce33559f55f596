/// Why a fetched metadata document was not applied; nothing changed.
public struct MetadataRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failed check.
    public let check: MetadataCheck
    /// What was wrong, for the admin.
    public let reason: String

    /// A refusal by `check`.
    public init(_ check: MetadataCheck, _ reason: String) {
        self.check = check
        self.reason = reason
    }

    /// `check: reason`, as the log and the settings page show it.
    public var description: String { "\(check.rawValue): \(reason)" }
}
