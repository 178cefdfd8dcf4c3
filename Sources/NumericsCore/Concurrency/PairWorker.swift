// A second thread for the VAE training loop's two-shard minibatch steps.
//
// A step on the digits takes 50–150 µs. Handing its second shard to the shared thread pool
// (`DispatchQueue.concurrentPerform`) wakes a sleeping thread each time — a futex wake-up and a
// context switch, a fifth of the CPU time of small-batch training. This worker instead waits by
// spinning for a short while after each job, so the next step's hand-off is a pair of atomic
// stores; after `spinLimit` without work it sleeps on a condition variable, so a paused
// notebook costs nothing.
//
// Workers are kept in a small pool and reused by later training runs. A thread created for each
// run starts on its creator's core, and the scheduler may take milliseconds to move a thread that
// never sleeps, so both would share one core for a whole short epoch; a pooled worker that slept
// is woken onto an idle core instead.
internal import WideKernels
import Synchronization

internal import SystemLibC

/// A second thread for a loop that splits each short step in two halves: `run(_:_:)` runs one half here
/// and the other on the worker, and returns when both are done. Get one with `acquire()` and give it
/// back with `release(_:)`.
public final class PairWorker: @unchecked Sendable {
    /// Idle workers, kept for the next training run.
    private static let pool = Mutex<[PairWorker]>([])

    /// A worker from the pool, or a new one.
    public static func acquire() -> PairWorker {
        pool.withLock { $0.popLast() } ?? PairWorker()
    }

    /// Gives a worker back to the pool once its training run is over.
    public static func release(_ worker: PairWorker) {
        pool.withLock { $0.append(worker) }
    }

    private enum State: Int {
        case idle = 0, posted, finished, stopping
    }

    /// How long the worker spins for the next job before it sleeps (nanoseconds).
    static let spinLimit: UInt64 = 300_000

    private let state = Atomic<Int>(State.idle.rawValue)
    /// The core the caller ran on when it posted the last job (−1 when unknown).
    private let posterCPU = Atomic<Int>(-1)
    /// The posted job; written by the caller before `posted` (release), read by the worker after
    /// it saw `posted` (acquire).
    private var job: (() -> Void)?
    // A pthread mutex, not `Mutex`: the worker sleeps on `condition`, and a condition variable needs one.
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    /// Whether the worker sleeps on `condition`; guarded by `mutex`.
    private var sleeping = false
    private var thread: pthread_t?

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { raw in
            let worker = Unmanaged<PairWorker>.fromOpaque(raw!).takeRetainedValue()
            worker.loop()
            return nil
        }, context)
        if status == 0 {
            thread = handle
        } else {
            Unmanaged<PairWorker>.fromOpaque(context).release()
        }
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `other` on the worker and `here` on the calling thread, and returns when both are done.
    /// Without a worker thread (creation failed) both run here, one after the other.
    public func run(_ here: () -> Void, _ other: () -> Void) {
        guard thread != nil else {
            here()
            other()
            return
        }
        withoutActuallyEscaping(other) { escapable in
            job = escapable
            posterCPU.store(Self.currentCPU(), ordering: .relaxed)
            state.store(State.posted.rawValue, ordering: .releasing)
            pthread_mutex_lock(&mutex)
            if sleeping { pthread_cond_signal(&condition) }
            pthread_mutex_unlock(&mutex)
            here()
            var spins = 0
            while state.load(ordering: .acquiring) != State.finished.rawValue {
                spins &+= 1
                // The worker may have been descheduled on a busy machine: stop burning the core.
                if spins > 4096 { sched_yield() }
            }
            job = nil
            state.store(State.idle.rawValue, ordering: .relaxed)
        }
    }

    /// Stops and joins the thread (unused by the training loop, which returns workers to the pool;
    /// kept for tests).
    public func stop() {
        guard let thread else { return }
        state.store(State.stopping.rawValue, ordering: .releasing)
        pthread_mutex_lock(&mutex)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
        pthread_join(thread, nil)
        self.thread = nil
    }

    /// Sleeps until a job is posted or the worker is stopped.
    private func sleepUntilPosted() {
        pthread_mutex_lock(&mutex)
        sleeping = true
        while true {
            let s = state.load(ordering: .acquiring)
            if s == State.posted.rawValue || s == State.stopping.rawValue { break }
            pthread_cond_wait(&condition, &mutex)
        }
        sleeping = false
        pthread_mutex_unlock(&mutex)
    }

    private func loop() {
        // Start asleep: a new thread runs on its creator's core, while a woken one is placed on
        // an idle core.
        sleepUntilPosted()
        while true {
            var idleSince: UInt64 = 0
            var spins = 0
            var current = state.load(ordering: .acquiring)
            while current != State.posted.rawValue && current != State.stopping.rawValue {
                spins &+= 1
                if spins & 255 == 0 {
                    // Let a thread that shares this core run (a pair of spinning threads on one
                    // core would otherwise take turns by whole time slices).
                    sched_yield()
                    let now = Self.now()
                    if idleSince == 0 {
                        idleSince = now
                    } else if now - idleSince > Self.spinLimit {
                        sleepUntilPosted()
                        idleSince = 0
                    }
                }
                current = state.load(ordering: .acquiring)
            }
            if current == State.stopping.rawValue { return }
            moveOffPosterCPU()
            job?()
            state.store(State.finished.rawValue, ordering: .releasing)
        }
    }

    private static func currentCPU() -> Int { AVXKernels.currentCPU() }

    /// If this thread runs on the caller's core, moves it to another allowed core.
    ///
    /// Linux tends to wake a thread on its waker's core ("wake-affine"); with both threads
    /// spinning there they take turns by whole time slices and a step is slower than on one
    /// thread (seen after the benchmark's NumPy runs: wall ≈ CPU time, 1.5–2× slower).
    private func moveOffPosterCPU() {
        let poster = posterCPU.load(ordering: .relaxed)
        if poster >= 0 { AVXKernels.moveOffCPU(poster) }
    }

    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}
