import Admin
import ArgumentParser
import Credentials
import Foundation
import Store

/// The `samlgate` admin CLI: accounts, users and SAML settings in the store the responder reads.
@main
struct Samlgate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samlgate",
        abstract: "Administer samlgate: SAML single sign-on for apps behind nginx or Apache.",
        discussion: """
            Every command works on one database — a SQLite file, or a PostgreSQL database shared by several \
            web nodes (postgresql://user:password@host/dbname) — chosen by --db, else $SAMLGATE_DB, \
            else \(Store.defaultPath). Changes take effect on the responder's next request.

            Getting started:
              samlgate init
              samlgate account add acme --base-url https://help.example.com --name "Acme Help"
              samlgate user add --account acme --email owner@example.com --role owner --password-stdin
              samlgate saml show --account acme      # the Post-back URL and Audience URI for your IdP
              samlgate saml set --account acme --sso-url https://idp.example.com/sso --cert idp.pem --enable
            """,
        subcommands: [
            InitCommand.self, AccountCommand.self, UserCommand.self, SAMLCommand.self, MetadataCommand.self,
            SessionCommand.self, LogCommand.self, SPKeyCommand.self, StoreCommand.self,
        ])

    /// Runs the command; an expected failure prints one line on stderr and exits 1, never a backtrace.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as StoreError {
            fail(error.description)
        } catch let error as SettingsError {
            fail(error.description)
        } catch let error as CertificateImportError {
            fail(error.description)
        } catch let error as SecretFileError {
            fail(error.description)
        } catch let error as SPKeyError {
            fail(error.description)
        } catch let error as AdminError {
            fail(error.description)
        } catch let error as CLIError {
            fail(error.description)
        } catch {
            exit(withError: error)
        }
    }

    private static func fail(_ message: String) -> Never {
        Terminal.error(message)
        Foundation.exit(1)
    }
}
