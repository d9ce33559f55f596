import Credentials

/// Short reference ids shown on error pages and stored in the sign-in log, so a user's screenshot
/// leads an admin straight to the log row.
enum ReferenceID {
    private static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// `SG-` plus 10 characters from an unambiguous alphabet (50 random bits).
    static func make() -> String {
        "SG-" + String(SecureRandom.bytes(10).map { alphabet[Int($0) % alphabet.count] })
    }

    /// Whether `text` is exactly one reference id as ``make()`` writes them: the only form a reference
    /// handed back to samlgate (the session-check page's query) may take before it is shown.
    static func isWellFormed(_ text: String) -> Bool {
        let characters = Array(text)
        return characters.count == 13 && text.hasPrefix("SG-") && characters.dropFirst(3).allSatisfy(alphabet.contains)
    }
}
