/// Turns the Store's SQLite-style placeholders into PostgreSQL's numbered ones, so one SQL text serves both.
///
/// The numbering follows SQLite's rule: `?N` is parameter N, and a bare `?` is one more than the largest
/// number used so far (`?, ?` is `$1, $2`; `?2, ?` is `$2, $3`). Question marks inside single-quoted string
/// literals, double-quoted identifiers, `--` line comments and `/* */` block comments are left alone; a doubled
/// quote inside a literal or identifier needs no special case, since it closes and reopens the same span.
/// PostgreSQL's `E'…'` backslash escapes, dollar-quoted strings and the `?` JSON operators are not recognised:
/// the Store's SQL, written for SQLite too, has none.
public enum PostgresPlaceholders {
    /// `sql` with `?` and `?N` replaced by `$N`.
    public static func rewrite(_ sql: String) -> String {
        let input = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 8)
        var largest = 0
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let end = input[(index + 1)...].firstIndex(of: byte).map { $0 + 1 } ?? input.count
                output += input[index..<end]
                index = end
            case UInt8(ascii: "-") where input.indices.contains(index + 1) && input[index + 1] == UInt8(ascii: "-"):
                let end = input[index...].firstIndex(of: UInt8(ascii: "\n")) ?? input.count
                output += input[index..<end]
                index = end
            case UInt8(ascii: "/") where input.indices.contains(index + 1) && input[index + 1] == UInt8(ascii: "*"):
                let end = blockCommentEnd(input, from: index + 2)
                output += input[index..<end]
                index = end
            case UInt8(ascii: "?"):
                var digitsEnd = index + 1
                while digitsEnd < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[digitsEnd]) {
                    digitsEnd += 1
                }
                // A number too large for Int is no parameter SQLite would accept either: the `?` is taken as
                // bare and the digits are kept, so the server reports the odd text.
                let explicit = Int(String(decoding: input[(index + 1)..<digitsEnd], as: UTF8.self))
                if explicit == nil { digitsEnd = index + 1 }
                let number = explicit ?? largest + 1
                largest = max(largest, number)
                output += Array("$\(number)".utf8)
                index = digitsEnd
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The index just past the `*/` closing a block comment whose body starts at `start` (the end of the text
    /// if it is never closed).
    private static func blockCommentEnd(_ input: [UInt8], from start: Int) -> Int {
        var index = start
        while index + 1 < input.count {
            if input[index] == UInt8(ascii: "*") && input[index + 1] == UInt8(ascii: "/") { return index + 2 }
            index += 1
        }
        return input.count
    }
}
