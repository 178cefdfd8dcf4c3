import Dispatch
import Synchronization

/// A value computed once on a background thread; readers wait for it (or not).
final class Eventually<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private let stored = Mutex<Value?>(nil)

    init(name: String, _ compute: @escaping @Sendable () -> Value) {
        group.enter()
        _ = KernelThread(name: name, detached: true) { [self] in
            let value = compute()
            stored.withLock { $0 = value }
            group.leave()
        }
    }

    /// The value, waiting for it as long as it takes.
    var value: Value {
        group.wait()
        return stored.withLock { $0! }
    }

    /// The value if it is ready within `timeout` (a monotonic wait).
    func value(waitingAtMost timeout: Duration) -> Value? {
        _ = group.wait(timeout: .now() + timeout / .seconds(1))
        return stored.withLock { $0 }
    }

    /// The value if it is ready now.
    var ifReady: Value? { stored.withLock { $0 } }
}
