import Testing

@testable import PostgresClient

@Suite struct PostgresRowTests {
    private func row(_ value: String?) -> PostgresRow { PostgresRow(columns: ["value"], values: [value]) }

    @Test(arguments: [
        ("\\x", [UInt8]()), ("\\x00ff", [0x00, 0xFF]), ("\\xDEADbeef", [0xDE, 0xAD, 0xBE, 0xEF]),
    ])
    func decodesHexBytea(text: String, bytes: [UInt8]) throws {
        #expect(try row(text).bytes("value") == bytes)
    }

    @Test(arguments: ["", "\\", "\\x0", "\\x0g", "00ff", "\\000\\377", "\\X00"])
    func refusesAnythingButHexBytea(text: String) {
        #expect(throws: PostgresError.unexpectedValue(column: "value", expected: "bytea in hex format (\\x…)")) {
            try row(text).bytes("value")
        }
    }

    @Test func readsBooleansAsPostgreSQLPrintsThem() throws {
        #expect(try row("t").bool("value") == true)
        #expect(try row("f").bool("value") == false)
        #expect(try row(nil).bool("value") == nil)
        #expect(throws: PostgresError.self) { try row("true").bool("value") }
    }

    @Test func nullIsNilForEveryType() throws {
        let null = row(nil)
        #expect(try null.string("value") == nil)
        #expect(try null.int64("value") == nil)
        #expect(try null.double("value") == nil)
        #expect(try null.bytes("value") == nil)
    }

    @Test func errorsNameTheColumnAndNotTheValue() {
        let error = PostgresError.unexpectedValue(column: "value", expected: "an integer")
        #expect(throws: error) { try row("s3cret").int64("value") }
        #expect(!error.description.contains("s3cret"))
    }
}
