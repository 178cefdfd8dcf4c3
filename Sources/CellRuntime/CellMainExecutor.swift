#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The main actor's executor inside the worker.
///
/// A cell with top-level `await` runs as a main-actor task; its jobs (and those of any other main-actor
/// work) queue here, and the async cell's thread runs them one at a time until the cell's body ends. A
/// serial queue on one thread at a time, so main-actor code never runs concurrently with itself.
final class CellMainExecutor: SerialExecutor, @unchecked Sendable {
    static let shared = CellMainExecutor()

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let ready = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []
    private var head = 0

    private init() {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(ready, nil)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(lock)
        jobs.append(unowned)
        pthread_cond_signal(ready)
        pthread_mutex_unlock(lock)
    }

    /// Waits for the next job and runs it on the calling thread.
    func runNextJob() {
        pthread_mutex_lock(lock)
        while head == jobs.count { pthread_cond_wait(ready, lock) }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        pthread_mutex_unlock(lock)
        job.runSynchronously(on: asUnownedSerialExecutor())
    }
}
