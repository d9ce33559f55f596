import Basics
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The secret file on disk: the checks before its bytes are trusted, and its one-time creation.
///
/// The checks run on the opened descriptor (`fstat`, not `stat` on the path), so the file checked is the
/// file read. The descriptor is opened non-blocking so a FIFO planted at the path cannot hang start-up.
/// Symbolic links are followed on purpose: secret stores such as Kubernetes mount secrets as links.
/// Reads and writes go through `FileHandle`, which retries interrupted system calls itself.
enum SecretFile {
    /// The file's contents, at most `limit` bytes, after checking it is a regular file private to its
    /// owner and group.
    static func read(path: String, limit: Int) throws(SecretFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else {
            let code = errno
            throw code == ENOENT
                ? .missing(path: path) : .unreadable(path: path, reason: SecretFileError.systemReason(code))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(path: path, reason: SecretFileError.systemReason(errno))
        }
        let type = UInt32(status.st_mode) & UInt32(S_IFMT)
        guard type == UInt32(S_IFREG) else { throw .notARegularFile(path: path, kind: kind(of: type)) }
        let mode = UInt32(status.st_mode) & 0o7777
        guard mode & 0o007 == 0 else { throw .accessibleByOthers(path: path, mode: mode) }
        do {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
            return [UInt8](try handle.read(upToCount: limit) ?? Data())
        } catch {
            throw .unreadable(path: path, reason: reason(error))
        }
    }

    /// Writes `contents` to a new file at `path`, mode 0600 whatever the umask, and flushes it to disk.
    ///
    /// The key is written to a fresh temporary file beside `path` first and then linked into place:
    /// `link` fails if anything is already at `path` (nothing is ever overwritten), and nobody — another
    /// `samlgate init` or a restart after a crash — ever sees the file at `path` empty or half written.
    /// Missing directories on the way are created with mode 0700.
    static func create(path: String, contents: [UInt8]) throws(SecretFileError) {
        try makeDirectory(parent(of: path), for: path)
        let temporary = path + ".new-" + Hex.encode(SecureRandom.bytes(8))
        try writeExclusively(temporary, contents: contents, reportedAs: path)
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            let code = errno
            throw code == EEXIST
                ? .alreadyExists(path: path) : .cannotWrite(path: path, reason: SecretFileError.systemReason(code))
        }
        synchronizeDirectory(parent(of: path))
    }

    /// Creates `file` with `O_EXCL` (never following or replacing anything there), writes and flushes
    /// `contents`; on any failure the partial file is removed. Errors name `path`, the file admins know.
    private static func writeExclusively(
        _ file: String, contents: [UInt8], reportedAs path: String
    ) throws(SecretFileError) {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            throw code == EEXIST
                ? .alreadyExists(path: path) : .cannotWrite(path: path, reason: SecretFileError.systemReason(code))
        }
        var descriptorOpen = true
        do throws(SecretFileError) {
            guard fchmod(descriptor, 0o600) == 0 else {
                throw SecretFileError.cannotWrite(path: path, reason: SecretFileError.systemReason(errno))
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
            do {
                try handle.write(contentsOf: Data(contents))
                try handle.synchronize()
            } catch {
                throw SecretFileError.cannotWrite(path: path, reason: reason(error))
            }
            // Closed once, whatever close returns: a second close could hit a descriptor reused meanwhile.
            let closed = close(descriptor)
            descriptorOpen = false
            guard closed == 0 else {
                throw SecretFileError.cannotWrite(path: path, reason: SecretFileError.systemReason(errno))
            }
        } catch {
            if descriptorOpen { close(descriptor) }
            unlink(file)
            throw error
        }
    }

    /// Creates `directory` and any missing ancestors with mode 0700 (umask-proof); an existing one is kept.
    private static func makeDirectory(_ directory: String, for path: String) throws(SecretFileError) {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard UInt32(status.st_mode) & UInt32(S_IFMT) == UInt32(S_IFDIR) else {
                throw .cannotCreateDirectory(path: path, directory: directory, reason: "it is not a directory")
            }
            return
        }
        guard errno == ENOENT else {
            throw .cannotCreateDirectory(path: path, directory: directory, reason: SecretFileError.systemReason(errno))
        }
        try makeDirectory(parent(of: directory), for: path)
        if mkdir(directory, 0o700) == 0 {
            guard chmod(directory, 0o700) == 0 else {
                throw .cannotCreateDirectory(
                    path: path, directory: directory, reason: SecretFileError.systemReason(errno))
            }
        } else if errno != EEXIST {
            throw .cannotCreateDirectory(path: path, directory: directory, reason: SecretFileError.systemReason(errno))
        }
    }

    /// Flushes the new directory entry, so the key survives a crash right after `samlgate init`.
    /// Best effort: some file systems refuse `fsync` on a directory, and the file itself is already on disk.
    private static func synchronizeDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        try? FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).synchronize()
        close(descriptor)
    }

    /// The directory part of `path`: `.` for a bare name, `/` for a file at the root.
    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private static func kind(of type: UInt32) -> String {
        switch type {
        case UInt32(S_IFDIR): "directory"
        case UInt32(S_IFCHR), UInt32(S_IFBLK): "device"
        case UInt32(S_IFIFO): "FIFO"
        case UInt32(S_IFSOCK): "socket"
        default: "special file"
        }
    }

    /// The system's reason inside a `FileHandle` error (it wraps the POSIX error), else the error itself.
    private static func reason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return SecretFileError.systemReason(Int32(underlying.code))
        }
        return String(describing: error)
    }
}
