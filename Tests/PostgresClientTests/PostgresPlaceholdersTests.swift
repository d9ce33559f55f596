import PostgresClient
import Testing

@Suite struct PostgresPlaceholdersTests {
    @Test(arguments: [
        ("SELECT 1", "SELECT 1"),
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"),
        ("UPDATE t SET a = ?2 WHERE id = ?1", "UPDATE t SET a = $2 WHERE id = $1"),
        ("VALUES (?1, ?1, ?)", "VALUES ($1, $1, $2)"),
        ("VALUES (?2, ?, ?1, ?)", "VALUES ($2, $3, $1, $4)"),
        ("VALUES (?10, ?)", "VALUES ($10, $11)"),
        ("SELECT '?' || ?", "SELECT '?' || $1"),
        ("SELECT 'it''s ?' || ?", "SELECT 'it''s ?' || $1"),
        ("SELECT \"col?\" FROM t WHERE x = ?", "SELECT \"col?\" FROM t WHERE x = $1"),
        ("SELECT \"a\"\"?\" , ?", "SELECT \"a\"\"?\" , $1"),
        ("SELECT ? -- why? because\n, ?", "SELECT $1 -- why? because\n, $2"),
        ("SELECT ? /* a ? here */ , ?", "SELECT $1 /* a ? here */ , $2"),
        ("SELECT 5 - ?", "SELECT 5 - $1"),
        ("SELECT ?-?", "SELECT $1-$2"),
        ("SELECT 'unterminated ?", "SELECT 'unterminated ?"),
        ("SELECT ? /* unterminated ?", "SELECT $1 /* unterminated ?"),
        ("SELECT ? -- comment at the end ?", "SELECT $1 -- comment at the end ?"),
        ("SELECT 'é?' , ?", "SELECT 'é?' , $1"),
        ("SELECT ?99999999999999999999999", "SELECT $199999999999999999999999"),
    ])
    func rewrite(sql: String, expected: String) {
        #expect(PostgresPlaceholders.rewrite(sql) == expected)
    }
}
