import Synchronization
import Testing

@testable import FastCGI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite(.timeLimit(.minutes(1))) struct StopSignalsTests {
    /// What a thread started after `blockInThisThread()` blocks: it must inherit SIGTERM and SIGINT, and
    /// never SIGUSR1, which the Swift crash backtracer needs delivered.
    @Test func threadsStartedAfterwardsInheritTheBlockButNotForSIGUSR1() throws {
        let blocked = Shared<[Int32: Bool]>([:])
        // A thread of its own, so the test runner's threads keep their masks.
        let parent = try PosixThread(name: "stop-signals-parent") {
            // The test runner's threads may block SIGUSR1 already; start from a thread that does not.
            var usr1 = sigset_t()
            sigemptyset(&usr1)
            sigaddset(&usr1, SIGUSR1)
            _ = pthread_sigmask(SIG_UNBLOCK, &usr1, nil)
            StopSignals.blockInThisThread()
            let child = try? PosixThread(name: "stop-signals-child") {
                blocked.value.withLock { $0 = Self.blockedInThisThread([SIGTERM, SIGINT, SIGUSR1]) }
            }
            child?.join()
        }
        parent.join()
        #expect(blocked.value.withLock { $0 } == [SIGTERM: true, SIGINT: true, SIGUSR1: false])
    }

    private static func blockedInThisThread(_ signals: [Int32]) -> [Int32: Bool] {
        var mask = sigset_t()
        _ = pthread_sigmask(SIG_BLOCK, nil, &mask)
        return Dictionary(uniqueKeysWithValues: signals.map { ($0, sigismember(&mask, $0) == 1) })
    }
}
