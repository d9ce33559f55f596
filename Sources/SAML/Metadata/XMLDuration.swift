/// `xs:duration` (`P1DT6H`, `PT3600S`, `P2Y`), as metadata's `cacheDuration` carries it.
///
/// Only what a refresh interval needs: a non-negative whole number of seconds. Years count as 365
/// days and months as 30, which can only make a cache shorter than the calendar would, never longer
/// by more than a day or two. Parts must come in order, each at most once, with a fraction only on
/// seconds (as the schema says); a negative or malformed duration is nil.
public enum XMLDuration {
    /// The designators in the order the schema gives them, with their seconds; the first three before `T`.
    private static let parts: [(designator: Character, inTime: Bool, seconds: Int)] = [
        ("Y", false, 365 * 86_400), ("M", false, 30 * 86_400), ("D", false, 86_400),
        ("H", true, 3600), ("M", true, 60), ("S", true, 1),
    ]

    /// The seconds `text` stands for, or nil when it is not a non-negative `xs:duration`.
    public static func seconds(_ text: String) -> Int? {
        guard text.first == "P" else { return nil }
        var total = 0
        var inTime = false
        var number = ""
        var next = 0
        var sawComponent = false
        var timeComponents = 0
        for character in text.dropFirst() {
            if character == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if character.isASCII, character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard
                let index = parts.indices.first(where: {
                    $0 >= next && parts[$0].designator == character && parts[$0].inTime == inTime
                }),
                !number.isEmpty, number.first != ".", number.last != ".",
                parts[index].designator == "S" && parts[index].inTime || !number.contains("."),
                let value = Double(number), value < 1e12
            else { return nil }
            total += Int(value * Double(parts[index].seconds))
            number = ""
            next = index + 1
            sawComponent = true
            if inTime { timeComponents += 1 }
        }
        guard number.isEmpty, sawComponent, !inTime || timeComponents > 0 else { return nil }
        return total
    }
}
