import Testing

@testable import PostgresClient

@Suite struct PostgresParametersTests {
    @Test func textWithAZeroCharacterIsRefusedByPosition() {
        #expect(throws: PostgresError.invalidParameter(position: 2, reason: "text cannot contain a zero character")) {
            try PostgresParameters([.int64(1), .text("a\0b")])
        }
    }

    @Test func onlyByteaIsDeclaredSoTheCacheKeyTellsSignaturesApart() throws {
        let withBytes = try PostgresParameters([.text("a"), .bytea([0]), nil, .bool(true)])
        let withNull = try PostgresParameters([.text("a"), nil, nil, .bool(true)])
        #expect(withBytes.types == [0, 17, 0, 0])
        #expect(withBytes.signature != withNull.signature)
    }

    @Test func valuesAreLaidOutWithTheirLengthsAndFormats() throws {
        let parameters = try PostgresParameters([.int64(-42), nil, .bytea([]), .bytea([0x00, 0xFF]), .double(0.5)])
        parameters.withUnsafeArrays { count, values, lengths, formats in
            #expect(count == 5)
            #expect(values[1] == nil)
            #expect(values[2] != nil)
            #expect(lengths == [4, 0, 0, 2, 4])
            #expect(formats == [0, 0, 1, 1, 0])
            #expect(values[0].map { String(cString: $0) } == "-42")
            #expect(values[3].map { UnsafeRawPointer($0).load(fromByteOffset: 1, as: UInt8.self) } == 0xFF)
        }
    }
}
