/// The two SQL dialects the store speaks, for the few statements that differ (the schema, a row's
/// built-in identity); everything else is written once in SQL both accept.
enum SQLDialect: Sendable {
    case sqlite
    case postgresql
}
