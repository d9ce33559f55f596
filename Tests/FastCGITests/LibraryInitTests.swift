import Foundation
import Testing

@testable import FastCGI

#if canImport(Glibc)
    import Glibc

    /// libfcgi's handlers set a shutdown flag nothing clears; none may be left once libfcgi is initialised,
    /// whichever test initialised it first.
    @Suite struct LibraryInitTests {
        @Test(arguments: [SIGTERM, SIGINT, SIGUSR1, SIGPIPE])
        func noSignalRunsALibfcgiHandler(signalNumber: Int32) throws {
            try LibraryInit.once()
            let library = try #require(handlerLibrary(signalNumber))
            #expect(!library.contains("libfcgi"), "signal \(signalNumber) is handled in \(library)")
        }

        @Test func sigpipeIsIgnored() throws {
            try LibraryInit.once()
            #expect(handlerAddress(SIGPIPE) == UnsafeRawPointer(bitPattern: 1))  // SIG_IGN
        }

        /// The handler's address; nil for SIG_DFL.
        private func handlerAddress(_ signalNumber: Int32) -> UnsafeRawPointer? {
            var action = sigaction()
            _ = sigaction(signalNumber, nil, &action)
            return action.__sigaction_handler.sa_handler.map { unsafeBitCast($0, to: UnsafeRawPointer.self) }
        }

        /// The file mapped where the handler's code is (from /proc/self/maps), "SIG_DFL" or "SIG_IGN".
        private func handlerLibrary(_ signalNumber: Int32) -> String? {
            guard let address = handlerAddress(signalNumber) else { return "SIG_DFL" }
            if address == UnsafeRawPointer(bitPattern: 1) { return "SIG_IGN" }
            let handler = UInt(bitPattern: address)
            // Read to the end: procfs files report a size of 0.
            guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return nil }
            let maps = String(decoding: data, as: UTF8.self)
            for line in maps.split(separator: "\n") {
                // "start-end perms offset dev inode path"
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                let bounds = fields.first?.split(separator: "-").compactMap { UInt($0, radix: 16) } ?? []
                if bounds.count == 2, bounds[0] <= handler, handler < bounds[1] {
                    return fields.count > 5 ? String(fields[5]) : "anonymous memory"
                }
            }
            return nil
        }
    }
#endif
