import Store
import Testing

/// The one-line encoding of group lists: reversible, comma-safe, header-safe.
struct GroupListTests {
    @Test func plainNamesAreCommaSeparatedAsTheyAre() {
        let list = GroupList(["support", "Équipe Ventes", "b1c2-guid"])
        #expect(list.encoded == "support,Équipe Ventes,b1c2-guid")
        #expect(list.names == ["support", "Équipe Ventes", "b1c2-guid"])
    }

    @Test func commasPercentSignsAndControlCharactersArePercentEncoded() {
        let names = ["cn=Support,ou=Groups,dc=acme,dc=test", "100%", "line\r\nbreak\u{7F}", "%2C"]
        let list = GroupList(names)
        #expect(list.encoded == "cn=Support%2Cou=Groups%2Cdc=acme%2Cdc=test,100%25,line%0D%0Abreak%7F,%252C")
        #expect(list.names == names)
        #expect(!list.encoded.utf8.contains { $0 < 0x20 || $0 == 0x7F })
    }

    @Test func emptyNamesAreLeftOut() {
        #expect(GroupList(["", "a", ""]).encoded == "a")
        #expect(GroupList([]).isEmpty && GroupList(encoded: "").names == [])
    }

    @Test func aSessionKeepsWholeNamesUpToTheLimit() {
        let names = (0..<1000).map { "group-\($0)-" + String(repeating: "x", count: 20) }
        let (list, omitted) = GroupList.bounded(names)
        #expect(list.encoded.utf8.count <= GroupList.sessionByteLimit)
        #expect(omitted > 0 && list.names.count + omitted == 1000)
        #expect(list.names == Array(names.prefix(list.names.count)))
        let small = GroupList.bounded(["a", "b"])
        #expect(small.list.names == ["a", "b"] && small.omitted == 0)
    }
}
