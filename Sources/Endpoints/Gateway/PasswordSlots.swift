import Foundation
import Synchronization

/// The few password hashes that may run at once; a request that finds none free is answered at once.
///
/// A password check is a 32 MiB scrypt taking tens of milliseconds of one core, and it runs on the
/// transport's worker thread. Without a bound, a flood of `POST …/login` with made-up emails would
/// occupy every worker and every core, and the `auth` checks in front of every protected page would
/// queue behind it. With at most ``count`` hashes in flight, the other workers stay free for them.
final class PasswordSlots: Sendable {
    /// How many hashes may run at once.
    let count: Int
    private let inUse = Mutex(0)

    /// `count` slots; at least one.
    init(count: Int) {
        self.count = max(1, count)
    }

    /// Half the cores (at least one, at most two): the rest of the machine stays with the session checks.
    static var defaultCount: Int {
        min(2, max(1, ProcessInfo.processInfo.activeProcessorCount / 2))
    }

    /// Runs `body` in a slot, or returns nil at once when all are taken.
    func run<T>(_ body: () throws -> T) rethrows -> T? {
        let acquired = inUse.withLock { used -> Bool in
            guard used < count else { return false }
            used += 1
            return true
        }
        guard acquired else { return nil }
        defer { inUse.withLock { $0 -= 1 } }
        return try body()
    }
}
