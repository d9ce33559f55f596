import Credentials
import GRDB

/// The numbered schema migrations, applied in order by `samlgate init` and checked by the responder.
///
/// Never edit a shipped migration: add the next number. Times are integer Unix seconds (UTC);
/// emails keep the case the admin typed plus a key (ASCII letters lower-cased) that uniqueness and lookups use.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("0001-initial-schema") { db in
            try db.execute(sql: schemaV1)
        }
        migrator.registerMigration("0002-settings-version") { db in
            // A counter bumped by every settings save: the responder caches each account's parsed
            // settings and keys, and one indexed read of this value tells it when to reload.
            try db.execute(sql: "ALTER TABLE saml_settings ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
        }
        migrator.registerMigration("0003-ascii-email-keys") { db in
            // Email keys fold ASCII letters only (`Identity.key`): Unicode lower-casing made the Kelvin
            // sign equal to `k`. Failed-attempt rows are keyed the old way and only live 15 minutes.
            for row in try Row.fetchAll(db, sql: "SELECT id, email FROM user") {
                let email: String = row["email"]
                try db.execute(
                    sql: "UPDATE user SET email_key = ? WHERE id = ?",
                    arguments: [Identity.key(email), row["id"] as Int64])
            }
            try db.execute(sql: "DELETE FROM login_failure")
        }
        migrator.registerMigration("0004-signin-log-bounds") { db in
            try db.execute(sql: schemaV4)
        }
        migrator.registerMigration("0005-sp-keys") { db in
            try db.execute(sql: schemaV5)
        }
        migrator.registerMigration("0006-single-logout") { db in
            try db.execute(sql: schemaV6)
        }
        migrator.registerMigration("0007-metadata-url-and-counters") { db in
            try db.execute(sql: schemaV7)
        }
        migrator.registerMigration(signInCounterShards) { db in
            try db.execute(sql: schemaV8)
        }
        migrator.registerMigration(identityRules) { db in
            try db.execute(sql: identityRulesSQL)
        }
        return migrator
    }

    /// The identifier of the migration that splits each sign-in counter into shards, the same in
    /// ``PostgresMigrations``.
    static let signInCounterShards = "0008-signin-counter-shards"

    /// The identifier of the migration that adds the identity rules, the same in ``PostgresMigrations``.
    static let identityRules = "0009-identity-rules"

    /// The identity rules of each account and the groups each SAML session was signed in with; the same
    /// statements on both engines. Lists are ``GroupList`` lines (domains cannot hold a comma, so theirs
    /// read as plain comma-separated names).
    static let identityRulesSQL = """
        ALTER TABLE saml_settings ADD COLUMN email_domains TEXT NOT NULL DEFAULT '';
        ALTER TABLE saml_settings ADD COLUMN group_attribute TEXT;
        ALTER TABLE saml_settings ADD COLUMN required_groups TEXT NOT NULL DEFAULT '';
        ALTER TABLE saml_settings ADD COLUMN admin_groups TEXT NOT NULL DEFAULT '';
        -- The user's groups from the sign-in (a GroupList line); NULL when the IdP sent no group attribute.
        ALTER TABLE session ADD COLUMN group_list TEXT;
        """

    /// Sign-in counters in shards: the row a count goes to is one of several (PostgreSQL picks one at
    /// random; SQLite, with one writer at a time, always the first), and a scrape adds them up. With a
    /// single row, every post-back of an account on every node waited for the last one's commit to update
    /// it. SQLite cannot change a primary key in place, so the table is copied.
    private static let schemaV8 = """
        CREATE TABLE signin_counter_sharded (
            account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            method      TEXT NOT NULL,
            outcome     TEXT NOT NULL,
            check_name  TEXT NOT NULL,
            shard       INTEGER NOT NULL DEFAULT 0,
            count       INTEGER NOT NULL,
            PRIMARY KEY (account_id, method, outcome, check_name, shard)
        ) WITHOUT ROWID;
        INSERT INTO signin_counter_sharded (account_id, method, outcome, check_name, shard, count)
            SELECT account_id, method, outcome, check_name, 0, count FROM signin_counter;
        DROP TABLE signin_counter;
        ALTER TABLE signin_counter_sharded RENAME TO signin_counter;
        """

    /// IdP metadata from a URL (the source, its pinned signing certificate, how often and how long a
    /// vanished certificate stays trusted), each certificate's origin, the refresh's state with its
    /// lease (one fetcher at a time across processes), and sign-in counters for the metrics.
    private static let schemaV7 = """
        ALTER TABLE saml_settings ADD COLUMN idp_metadata_url TEXT;
        ALTER TABLE saml_settings ADD COLUMN metadata_signing_cert BLOB;
        ALTER TABLE saml_settings ADD COLUMN metadata_refresh INTEGER NOT NULL DEFAULT 21600
            CHECK (metadata_refresh > 0);
        ALTER TABLE saml_settings ADD COLUMN metadata_cert_grace INTEGER NOT NULL DEFAULT 604800
            CHECK (metadata_cert_grace >= 0);

        -- 'metadata': read from the metadata URL, trusted until last_seen_at + metadata_cert_grace once
        -- it vanishes from the document; 'uploaded': given by the admin, kept until the admin removes it.
        ALTER TABLE idp_certificate ADD COLUMN origin TEXT NOT NULL DEFAULT 'uploaded'
            CHECK (origin IN ('uploaded', 'metadata'));
        ALTER TABLE idp_certificate ADD COLUMN last_seen_at INTEGER;

        -- One row per account with a metadata URL. A fetcher takes the lease (lease_until in the future)
        -- in a write transaction before it fetches, so however many processes or nodes share the store,
        -- one fetches per due time.
        CREATE TABLE metadata_refresh (
            account_id       INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
            next_fetch_at    INTEGER NOT NULL,
            last_attempt_at  INTEGER,
            last_success_at  INTEGER,
            last_error       TEXT,
            failing_since    INTEGER,
            failures         INTEGER NOT NULL DEFAULT 0,
            failures_total   INTEGER NOT NULL DEFAULT 0,
            document_sha256  TEXT,
            lease_owner      TEXT,
            lease_until      INTEGER
        );

        -- Sign-ins by outcome and failed check, counted in the transaction that logs them, so the metrics
        -- agree however many responder processes answer the scrapes. check_name is '' for accepted ones.
        CREATE TABLE signin_counter (
            account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            method      TEXT NOT NULL,
            outcome     TEXT NOT NULL,
            check_name  TEXT NOT NULL,
            count       INTEGER NOT NULL,
            PRIMARY KEY (account_id, method, outcome, check_name)
        ) WITHOUT ROWID;
        """

    /// Single Logout: the NameID of a SAML session as the IdP sent it (a LogoutRequest must repeat it
    /// exactly, and an IdP's LogoutRequest finds sessions by it), the IdP's logout endpoint, the
    /// application cookies a sign-out expires, our pending LogoutRequests, and logout rows in the log.
    private static let schemaV6 = """
        ALTER TABLE session ADD COLUMN name_id_format TEXT;
        ALTER TABLE session ADD COLUMN name_qualifier TEXT;
        ALTER TABLE session ADD COLUMN sp_name_qualifier TEXT;
        -- name_id so far held the trimmed NameID; from now on the NameID as sent.
        CREATE INDEX session_by_name_id ON session(account_id, name_id) WHERE name_id IS NOT NULL;

        ALTER TABLE saml_settings ADD COLUMN slo_url TEXT;
        ALTER TABLE saml_settings ADD COLUMN slo_response_url TEXT;
        ALTER TABLE saml_settings ADD COLUMN slo_binding TEXT NOT NULL DEFAULT 'redirect'
            CHECK (slo_binding IN ('redirect', 'post'));
        -- Cookie names (RFC 6265 tokens, which cannot hold a comma), comma-separated.
        ALTER TABLE saml_settings ADD COLUMN app_logout_cookies TEXT NOT NULL DEFAULT '';

        -- LogoutRequests we sent, until the IdP's LogoutResponse names one (consumed once) or they expire.
        CREATE TABLE logout_request (
            request_id  TEXT PRIMARY KEY,
            account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            email       TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX logout_request_by_expiry ON logout_request(expires_at);

        ALTER TABLE signin_log ADD COLUMN event TEXT NOT NULL DEFAULT 'sign_in'
            CHECK (event IN ('sign_in', 'sign_out'));
        """

    /// Each account's own key pairs (the SP side of signed requests and encrypted assertions) and the
    /// settings that use them. Accounts get their first key from `samlgate account add` or `samlgate init`, not from
    /// this migration:
    /// generating keys needs the sealing key, which the database never holds.
    private static let schemaV5 = """
        -- A key's life: 'next' (published, decrypts, does not sign), 'active' (published, decrypts, signs),
        -- 'retired' (decrypts only). The private key is stored sealed (AES-256-GCM under a key kept
        -- outside the database); the store never sees it in the clear.
        CREATE TABLE sp_key (
            id                  INTEGER PRIMARY KEY,
            account_id          INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            state               TEXT NOT NULL CHECK (state IN ('next', 'active', 'retired')),
            certificate         BLOB NOT NULL,
            sha256              TEXT NOT NULL,
            not_after           INTEGER NOT NULL,
            created_at          INTEGER NOT NULL,
            sealed_private_key  BLOB NOT NULL,
            UNIQUE (account_id, sha256)
        );
        -- At most one active key per account; activation retires the old one first.
        CREATE UNIQUE INDEX sp_key_one_active ON sp_key(account_id) WHERE state = 'active';

        ALTER TABLE saml_settings ADD COLUMN sign_requests INTEGER NOT NULL DEFAULT 1 CHECK (sign_requests IN (0, 1));
        ALTER TABLE saml_settings ADD COLUMN require_encryption INTEGER NOT NULL DEFAULT 0
            CHECK (require_encryption IN (0, 1));
        ALTER TABLE saml_settings ADD COLUMN request_binding TEXT NOT NULL DEFAULT 'redirect'
            CHECK (request_binding IN ('redirect', 'post'));
        """

    /// The sign-in log's retention per account, whether a row's identity was verified, bounded fields
    /// for rows written before the bound, and failed password attempts counted per client address.
    private static let schemaV4 = """
        ALTER TABLE saml_settings ADD COLUMN log_retention INTEGER NOT NULL DEFAULT 7776000 CHECK (log_retention > 0);

        -- 1: the email is the verified identity (an accepted sign-in, or a rejection after the signature
        -- verified); 0: only what the message or form claimed.
        ALTER TABLE signin_log ADD COLUMN identity_verified INTEGER NOT NULL DEFAULT 0 CHECK (identity_verified IN (0, 1));
        UPDATE signin_log SET identity_verified = 1 WHERE outcome = 'accepted';
        UPDATE signin_log SET email = substr(email, 1, 512), reason = substr(reason, 1, 512),
            failed_check = substr(failed_check, 1, 512), expected = substr(expected, 1, 512),
            actual = substr(actual, 1, 512), client_address = substr(client_address, 1, 512)
        WHERE length(email) > 512 OR length(reason) > 512 OR length(failed_check) > 512 OR length(expected) > 512
            OR length(actual) > 512 OR length(client_address) > 512;

        ALTER TABLE login_failure ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
        DROP INDEX login_failure_by_key;
        CREATE INDEX login_failure_by_key ON login_failure(account_id, email_key, client_address, time);
        CREATE INDEX login_failure_by_client ON login_failure(account_id, client_address, time);
        CREATE INDEX login_failure_by_time ON login_failure(time);
        """

    private static let schemaV1 = """
        CREATE TABLE account (
            id          INTEGER PRIMARY KEY,
            slug        TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 63),
            name        TEXT NOT NULL,
            base_url    TEXT NOT NULL,
            created_at  INTEGER NOT NULL
        );

        CREATE TABLE user (
            id             INTEGER PRIMARY KEY,
            account_id     INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            email          TEXT NOT NULL,
            email_key      TEXT NOT NULL,
            given_name     TEXT,
            family_name    TEXT,
            role           TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'user')),
            password_hash  TEXT,
            disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
            created_at     INTEGER NOT NULL,
            UNIQUE (account_id, email_key)
        );
        -- At most one owner per account; the API keeps it at exactly one.
        CREATE UNIQUE INDEX user_one_owner ON user(account_id) WHERE role = 'owner';

        CREATE TABLE saml_settings (
            account_id           INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
            enabled              INTEGER NOT NULL DEFAULT 0,
            sso_url              TEXT,
            idp_entity_id        TEXT,
            force_saml           INTEGER NOT NULL DEFAULT 0,
            allow_sha1           INTEGER NOT NULL DEFAULT 0,
            allow_idp_initiated  INTEGER NOT NULL DEFAULT 1,
            clock_skew           INTEGER NOT NULL DEFAULT 180 CHECK (clock_skew >= 0),
            session_lifetime     INTEGER NOT NULL DEFAULT 28800 CHECK (session_lifetime > 0),
            updated_at           INTEGER NOT NULL
        );

        CREATE TABLE idp_certificate (
            id          INTEGER PRIMARY KEY,
            account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            position    INTEGER NOT NULL,
            der         BLOB NOT NULL,
            subject     TEXT NOT NULL,
            sha256      TEXT NOT NULL,
            not_after   INTEGER NOT NULL,
            UNIQUE (account_id, sha256)
        );

        -- Sessions are found by the SHA-256 of the cookie token; the token itself is never stored.
        CREATE TABLE session (
            token_hash     BLOB PRIMARY KEY,
            account_id     INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            user_id        INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
            auth_method    TEXT NOT NULL CHECK (auth_method IN ('saml', 'password')),
            created_at     INTEGER NOT NULL,
            expires_at     INTEGER NOT NULL,
            name_id        TEXT,
            session_index  TEXT
        ) WITHOUT ROWID;
        CREATE INDEX session_by_user ON session(user_id);
        CREATE INDEX session_by_expiry ON session(expires_at);

        -- Pending SP-initiated AuthnRequests, found by the RelayState token on the POST-back.
        CREATE TABLE authn_request (
            request_id   TEXT PRIMARY KEY,
            account_id   INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            relay_token  TEXT NOT NULL UNIQUE,
            return_to    TEXT,
            created_at   INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL,
            used_at      INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX authn_request_by_expiry ON authn_request(expires_at);

        -- Assertion IDs seen, kept until their validity ends plus skew: the primary key makes
        -- acceptance atomic (INSERT succeeds once).
        CREATE TABLE replay_cache (
            account_id    INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            assertion_id  TEXT NOT NULL,
            expires_at    INTEGER NOT NULL,
            PRIMARY KEY (account_id, assertion_id)
        ) WITHOUT ROWID;
        CREATE INDEX replay_cache_by_expiry ON replay_cache(expires_at);

        CREATE TABLE signin_log (
            id             INTEGER PRIMARY KEY,
            account_id     INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            time           INTEGER NOT NULL,
            outcome        TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
            method         TEXT NOT NULL CHECK (method IN ('saml', 'password')),
            email          TEXT,
            reason         TEXT NOT NULL,
            reference      TEXT NOT NULL,
            failed_check   TEXT,
            expected       TEXT,
            actual         TEXT,
            clock_offset   INTEGER,
            client_address TEXT
        );
        CREATE INDEX signin_log_by_account_time ON signin_log(account_id, time);

        -- Failed password attempts, for per account+email rate limiting.
        CREATE TABLE login_failure (
            account_id  INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            email_key   TEXT NOT NULL,
            time        INTEGER NOT NULL
        );
        CREATE INDEX login_failure_by_key ON login_failure(account_id, email_key, time);
        """
}
