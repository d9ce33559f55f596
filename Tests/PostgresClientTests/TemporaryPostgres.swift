import Foundation

/// A throw-away PostgreSQL 15 cluster for one test: its own folder, listening on a unix socket in that folder
/// only (no TCP port, so parallel tests cannot collide and nothing is reachable from outside), with a database
/// and a superuser `samlgate` trusted without a password. Stopped and removed when released.
///
/// initdb refuses to run as root. When the tests run as root, every server command runs as `nobody` through
/// `runuser` and the folder is handed to `nobody`: that needs no user added to the system, and root still
/// reaches the socket and removes the folder. As any other user the commands run directly. The folder is under
/// /tmp rather than `TMPDIR`, which may be private to root and too long for a unix socket path.
final class TemporaryPostgres {
    /// Where Debian's postgresql-15 package puts the server binaries.
    static let binaries = "/usr/lib/postgresql/15/bin"

    let folder: String
    /// The number in the socket's name (`.s.PGSQL.<port>`); random so the server's shared-memory keys,
    /// derived from it, differ between parallel clusters.
    let port = Int.random(in: 20_000..<60_000)
    let database = "samlgate_test"
    private var running = false

    /// A URL for the test database over the unix socket.
    var url: String { "postgresql://samlgate@/\(database)?host=\(folder)&port=\(port)" }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "\(Self.binaries)/initdb") else {
            throw TemporaryPostgresError(
                description: "PostgreSQL 15 is not installed (no \(Self.binaries)/initdb): install the Debian "
                    + "package postgresql-15, e.g. with scripts/install-deps.sh")
        }
        folder = "/tmp/samlgate-pg-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        if getuid() == 0 {
            guard let nobody = getpwnam("nobody"), chown(folder, nobody.pointee.pw_uid, nobody.pointee.pw_gid) == 0
            else {
                throw TemporaryPostgresError(description: "cannot hand \(folder) to the user nobody")
            }
        }
        try server(
            "initdb", "-D", "\(folder)/data", "-A", "trust", "-U", "samlgate", "-E", "UTF8", "--locale=C", "--no-sync")
        try start()
        try client("createdb", "-h", folder, "-p", String(port), "-U", "samlgate", database)
    }

    deinit {
        if running { try? server("pg_ctl", "-D", "\(folder)/data", "-m", "fast", "-w", "stop") }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Stops the server, closing every session, and starts it again.
    func restart() throws {
        try server("pg_ctl", "-D", "\(folder)/data", "-m", "fast", "-w", "stop")
        running = false
        try start()
    }

    private func start() throws {
        let options = "-c listen_addresses='' -k \(folder) -p \(port) -c fsync=off"
        try server("pg_ctl", "-D", "\(folder)/data", "-l", "\(folder)/server.log", "-o", options, "-w", "start")
        running = true
    }

    /// Runs a server binary as the cluster's owner (`nobody` when the tests run as root).
    private func server(_ name: String, _ arguments: String...) throws {
        let command = ["\(Self.binaries)/\(name)"] + arguments
        try run(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] + command : command)
    }

    /// Runs a client binary as the current user.
    private func client(_ name: String, _ arguments: String...) throws {
        try run(["\(Self.binaries)/\(name)"] + arguments)
    }

    /// Runs a command with its output in a file, and waits for it with `waitpid`.
    ///
    /// Not Foundation's `Process`: `pg_ctl start` leaves the server running as a grandchild, which keeps the
    /// descriptors it inherited, and `Process` then never notices that `pg_ctl` exited; `waitpid` only asks
    /// whether the child itself ended.
    private func run(_ command: [String]) throws {
        let outputPath = "\(folder)/command.log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = command.map { strdup($0) }
        defer { arguments.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, arguments + [nil], environ)
        guard spawned == 0 else {
            throw TemporaryPostgresError(
                description: "cannot start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS are macros: a normal exit has no signal in the low seven bits.
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : -1
        guard exitCode == 0 else {
            let log = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw TemporaryPostgresError(
                description: "\(command.joined(separator: " ")) failed (wait status \(status)): \(log)")
        }
    }
}
