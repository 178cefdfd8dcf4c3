import Dispatch

/// Data-parallel loops on the shared thread pool.
public enum Parallel {
    /// Runs body(0), …, body(count − 1) on the shared thread pool (Dispatch's `concurrentPerform`) and
    /// waits for all of them; one iteration or none runs on the calling thread.
    ///
    /// The caller guarantees that the iterations touch disjoint memory or only read; results must not
    /// depend on which thread runs which iteration.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: count) { i in box.value(i) }
        }
    }
}

/// A value that may cross into a worker thread; the code that makes one guarantees the threads touch
/// disjoint memory or only read.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
