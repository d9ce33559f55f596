import Credentials
import Endpoints
import Foundation
import SAML
import Store

/// The store a gateway under test serves: account `acme` (https://help.example.com) with SAML on,
/// an SSO URL and the test IdP's certificate trusted, and the users asked for.
///
/// The one set-up shared by the gateway tests, the `gateway` benchmark and the fuzz server, so all
/// three exercise the same account; each makes its `SSOGateway` over ``store`` with its own clock.
public struct GatewayFixture: Sendable {
    /// A user of the account.
    public struct User: Sendable {
        /// The email, as stored (the store normalises it).
        public var email: String
        /// The role.
        public var role: Role
        /// A password to hash and store; nil for a SAML-only user.
        public var password: String?
        /// The given name, if any.
        public var givenName: String?
        /// The family name, if any.
        public var familyName: String?
        /// Whether the user is disabled.
        public var disabled: Bool

        /// A user with `email` and `role`, enabled and without a password unless given.
        public init(
            _ email: String, role: Role = .user, password: String? = nil, givenName: String? = nil,
            familyName: String? = nil, disabled: Bool = false
        ) {
            self.email = email
            self.role = role
            self.password = password
            self.givenName = givenName
            self.familyName = familyName
            self.disabled = disabled
        }
    }

    /// The account's slug, as in every path the tests request.
    public static let slug = "acme"
    /// The account's base URL.
    public static let baseURL = "https://help.example.com"
    /// The SSO URL the account's SAML settings name.
    public static let ssoURL = "https://idp.example.com/sso"

    /// The folder holding the database; whoever made the fixture removes it when done.
    public let folder: URL
    /// The store, migrated.
    public let store: Store
    /// The `acme` account's ID.
    public let accountID: Int64
    /// The key-encryption key (a secret file in ``folder``) that the account's SP key is sealed under.
    public let keyEncryptionKey: KeyEncryptionKey
    /// The same key, as the responder is given it.
    public var secret: SPKeySecret { .loaded(keyEncryptionKey) }

    /// Creates `folder` with a new database `databaseName` in it and fills it.
    ///
    /// - Parameters:
    ///   - certificateDER: the IdP certificate the account trusts (default: the test IdP's RSA one).
    ///   - spKeys: the account's SP key pairs (`<prefix>-key.pem`, `<prefix>-cert.pem` fixtures) and
    ///     their states; by default the `sp-rsa` pair that test IdPs encrypt to, active.
    ///   - configure: changes to the SAML settings before they are saved.
    public init(
        folder: URL, databaseName: String = "test.db", users: [User], certificateDER: [UInt8] = TestKeys.idpRSADER,
        spKeys: [(prefix: String, state: SPKey.State)] = [("sp-rsa", .active)],
        configure: (inout SAMLSettings) -> Void = { _ in }
    ) throws {
        try SAMLRuntime.initialize()
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: TestDatabase.make(folder: folder, name: databaseName), create: true)
        try store.migrate()
        // A low cost: the tests check passwords many times.
        let hasher = PasswordHasher(logN: 10)
        let keyEncryptionKey = try KeyEncryptionKey.create(path: folder.appendingPathComponent("secret.key").path)
        self.keyEncryptionKey = keyEncryptionKey
        accountID = try store.write { tx in
            let account = try tx.addAccount(slug: Self.slug, name: "Acme Help", baseURL: Self.baseURL)
            for (prefix, state) in spKeys {
                let material = try SPKeyMaterial.importing(
                    keyPEM: TestKeys.file("\(prefix)-key.pem"), certificatePEM: TestKeys.file("\(prefix)-cert.pem"))
                _ = try SPKeySealing.store(
                    material, state: state, accountID: account.id, key: keyEncryptionKey, transaction: tx)
            }
            for user in users {
                try tx.addUser(
                    accountID: account.id, email: user.email, role: user.role, givenName: user.givenName,
                    familyName: user.familyName, passwordHash: user.password.map { hasher.hash($0) })
                if user.disabled { try tx.setDisabled(accountID: account.id, email: user.email, disabled: true) }
            }
            var settings = SAMLSettings()
            settings.enabled = true
            settings.ssoURL = Self.ssoURL
            settings.certificates = [try Certificate(der: certificateDER)]
            configure(&settings)
            try tx.saveSAMLSettings(accountID: account.id, settings)
            return account.id
        }
        self.store = store
    }
}
