extension Unicode.Scalar {
    /// Whether this is a C0 control (U+0000–U+001F, so CR, LF and HTAB too), DEL or a C1 control
    /// (U+0080–U+009F): invisible on a page or in a terminal, so refused wherever a name or an identity
    /// must read as what it is.
    public var isControlCharacter: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}
