import Synchronization

/// A `Mutex` the test's threads share: a closure cannot capture the noncopyable lock itself.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }
}
