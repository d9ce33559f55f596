import Foundation

/// One table as `samlgate store copy` moves it: its name and its columns with their kinds, in an order
/// that inserts every row after the rows it references.
struct StoreTable {
    /// How a column's values are carried, so a value read from one engine is written as the same kind to
    /// the other (PostgreSQL's text results say nothing of the type).
    enum Kind {
        case integer, text, blob
    }

    let name: String
    let columns: [(name: String, kind: Kind)]
    /// The identity column whose sequence PostgreSQL must move past the copied ids.
    let identity: String?

    /// Every table of the schema (migration 0007 for SQLite, 0001 for PostgreSQL), parents first.
    static let all: [StoreTable] = [
        StoreTable(
            name: "account",
            columns: [
                ("id", .integer), ("slug", .text), ("name", .text), ("base_url", .text),
                ("created_at", .integer),
            ], identity: "id"),
        StoreTable(
            name: "\"user\"",
            columns: [
                ("id", .integer), ("account_id", .integer), ("email", .text), ("email_key", .text),
                ("given_name", .text), ("family_name", .text), ("role", .text), ("password_hash", .text),
                ("disabled", .integer), ("created_at", .integer),
            ], identity: "id"),
        StoreTable(
            name: "saml_settings",
            columns: [
                ("account_id", .integer), ("enabled", .integer), ("sso_url", .text), ("idp_entity_id", .text),
                ("force_saml", .integer), ("allow_sha1", .integer), ("allow_idp_initiated", .integer),
                ("clock_skew", .integer), ("session_lifetime", .integer), ("updated_at", .integer),
                ("version", .integer), ("log_retention", .integer), ("sign_requests", .integer),
                ("require_encryption", .integer), ("request_binding", .text), ("slo_url", .text),
                ("slo_response_url", .text), ("slo_binding", .text), ("app_logout_cookies", .text),
                ("idp_metadata_url", .text), ("metadata_signing_cert", .blob), ("metadata_refresh", .integer),
                ("metadata_cert_grace", .integer), ("email_domains", .text), ("group_attribute", .text),
                ("required_groups", .text), ("admin_groups", .text),
            ], identity: nil),
        StoreTable(
            name: "idp_certificate",
            columns: [
                ("id", .integer), ("account_id", .integer), ("position", .integer), ("der", .blob),
                ("subject", .text), ("sha256", .text), ("not_after", .integer), ("origin", .text),
                ("last_seen_at", .integer),
            ], identity: "id"),
        StoreTable(
            name: "session",
            columns: [
                ("token_hash", .blob), ("account_id", .integer), ("user_id", .integer), ("auth_method", .text),
                ("created_at", .integer), ("expires_at", .integer), ("name_id", .text), ("session_index", .text),
                ("name_id_format", .text), ("name_qualifier", .text), ("sp_name_qualifier", .text),
                ("group_list", .text),
            ], identity: nil),
        StoreTable(
            name: "authn_request",
            columns: [
                ("request_id", .text), ("account_id", .integer), ("relay_token", .text), ("return_to", .text),
                ("created_at", .integer), ("expires_at", .integer), ("used_at", .integer),
            ], identity: nil),
        StoreTable(
            name: "replay_cache",
            columns: [("account_id", .integer), ("assertion_id", .text), ("expires_at", .integer)],
            identity: nil),
        StoreTable(
            name: "signin_log",
            columns: [
                ("id", .integer), ("account_id", .integer), ("time", .integer), ("outcome", .text),
                ("method", .text), ("email", .text), ("reason", .text), ("reference", .text),
                ("failed_check", .text), ("expected", .text), ("actual", .text), ("clock_offset", .integer),
                ("client_address", .text), ("identity_verified", .integer), ("event", .text),
            ], identity: "id"),
        StoreTable(
            name: "login_failure",
            columns: [("account_id", .integer), ("email_key", .text), ("time", .integer), ("client_address", .text)],
            identity: nil),
        StoreTable(
            name: "sp_key",
            columns: [
                ("id", .integer), ("account_id", .integer), ("state", .text), ("certificate", .blob),
                ("sha256", .text), ("not_after", .integer), ("created_at", .integer), ("sealed_private_key", .blob),
            ], identity: "id"),
        StoreTable(
            name: "logout_request",
            columns: [
                ("request_id", .text), ("account_id", .integer), ("email", .text), ("created_at", .integer),
                ("expires_at", .integer),
            ], identity: nil),
        StoreTable(
            name: "metadata_refresh",
            columns: [
                ("account_id", .integer), ("next_fetch_at", .integer), ("last_attempt_at", .integer),
                ("last_success_at", .integer), ("last_error", .text), ("failing_since", .integer),
                ("failures", .integer), ("failures_total", .integer), ("document_sha256", .text),
                ("lease_owner", .text), ("lease_until", .integer),
            ], identity: nil),
        StoreTable(
            name: "signin_counter",
            columns: [
                ("account_id", .integer), ("method", .text), ("outcome", .text), ("check_name", .text),
                ("shard", .integer), ("count", .integer),
            ], identity: nil),
    ]

    /// The columns, comma-separated, for SELECT and INSERT.
    var columnList: String { columns.map(\.name).joined(separator: ", ") }

    /// `value`, read from either engine, as this column's kind.
    func normalized(_ value: StoreValue, column: Int) -> StoreValue {
        if case .null = value { return .null }
        switch columns[column].kind {
        case .integer: return Int64.decode(value).map(StoreValue.integer) ?? value
        case .text: return String.decode(value).map(StoreValue.text) ?? value
        case .blob: return Data.decode(value).map(StoreValue.blob) ?? value
        }
    }
}
