import Basics

/// `bytea` in PostgreSQL's text output: `\x` then two hex digits a byte (the default `bytea_output`). The
/// older escape format is refused rather than guessed at.
public enum PostgresBytea {
    /// The bytes of `\x`-prefixed hex text, `nil` if it is anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            return nil
        }
        return Hex.decode(utf8.dropFirst(2))
    }
}
