import Synchronization

internal import SystemLibC

/// The main actor's executor inside the worker.
///
/// A cell with top-level `await` runs as a main-actor task; its jobs (and those of any other main-actor
/// work) queue here, and the async cell's thread runs them one at a time until the cell's body ends. A
/// serial queue on one thread at a time, so main-actor code never runs concurrently with itself.
final class CellMainExecutor: SerialExecutor, @unchecked Sendable {
    static let shared = CellMainExecutor()

    private struct Queue {
        var jobs: [UnownedJob] = []
        var head = 0
    }

    private let queue = Mutex(Queue())
    /// Counts the jobs queued and not yet taken: the waiting half, which a lock alone cannot do.
    private let queued = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    private init() {
        sem_init(queued, 0, 0)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        queue.withLock { $0.jobs.append(unowned) }
        sem_post(queued)
    }

    /// Waits for the next job and runs it on the calling thread.
    func runNextJob() {
        while sem_wait(queued) != 0 && errno == EINTR {}
        let job = queue.withLock { queue in
            let job = queue.jobs[queue.head]
            queue.head += 1
            if queue.head == queue.jobs.count {
                queue.jobs.removeAll(keepingCapacity: true)
                queue.head = 0
            }
            return job
        }
        job.runSynchronously(on: asUnownedSerialExecutor())
    }
}
