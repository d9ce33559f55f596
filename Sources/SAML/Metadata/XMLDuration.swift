/// `xs:duration` (`P1DT6H`, `PT3600S`, `P2Y`), as metadata's `cacheDuration` carries it.
///
/// Only what a refresh interval needs: a non-negative whole number of seconds. Years count as 365
/// days and months as 30, which can only make a cache shorter than the calendar would, never longer
/// by more than a day or two; a negative or malformed duration is nil.
public enum XMLDuration {
    /// The seconds `text` stands for, or nil when it is not a non-negative `xs:duration`.
    public static func seconds(_ text: String) -> Int? {
        var rest = Substring(text)
        guard rest.first == "P" else { return nil }
        rest.removeFirst()
        var total = 0
        var inTime = false
        var number = ""
        var sawComponent = false
        for character in rest {
            if character == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if character.isASCII, character.isNumber || character == "." {
                number.append(character)
                continue
            }
            let scale: Int
            switch (character, inTime) {
            case ("Y", false): scale = 365 * 86_400
            case ("M", false): scale = 30 * 86_400
            case ("D", false): scale = 86_400
            case ("H", true): scale = 3600
            case ("M", true): scale = 60
            case ("S", true): scale = 1
            default: return nil
            }
            guard let value = Double(number), value >= 0, value < 1e12 else { return nil }
            total += Int(value * Double(scale))
            number = ""
            sawComponent = true
        }
        guard number.isEmpty, sawComponent, !(inTime && text.hasSuffix("T")) else { return nil }
        return total
    }
}
