import Foundation
import Synchronization
import WorkerProtocol

internal import SystemLibC

/// One worker process and the thread that reads what it writes.
///
/// Messages from the worker (text on either stream, event frames, its exit) are queued in order and
/// taken by the session with `next(timeout:)`.
final class WorkerProcess: @unchecked Sendable {
    enum Message: Sendable {
        case text(StreamName, [UInt8])
        case frame(WorkerFrame)
        /// A frame arrived whole but is not one the engine knows (already logged).
        case malformedFrame(WorkerFrameError)
        /// The worker closed its standard output (the event channel) but is still running.
        case outputClosed
        /// A copy of the `done` record of this run, from the status pipe, which cells cannot reach.
        case status(run: Int)
        /// The worker exited: its wait status.
        case exited(Int32)
    }

    private struct Mailbox {
        var messages: [Message] = []
        var start = 0
    }

    /// What is known of the worker process; its lock is held while the worker is signalled or reaped, so a
    /// pid the system may reuse is never signalled.
    private struct Life {
        var hasExited = false
        var status: Int32?
    }

    let pid: pid_t
    private let commandDescriptor: Int32
    private let mailbox = Mutex(Mailbox())
    /// Signalled once per batch of messages posted and by `wake()`; `next(timeout:)` waits on it. A
    /// monotonic wait (Dispatch's clock), so a change of the wall clock cannot stretch or cut it.
    private let arrivals = DispatchSemaphore(value: 0)
    private let life = Mutex(Life())

    /// Whether the worker has exited and was reaped.
    var hasExited: Bool { life.withLock { $0.hasExited } }

    /// Starts a worker for `configuration`, with `environment` set on top of this process's own (what
    /// `%env` set in the worker it replaces).
    init(configuration: EngineConfiguration, environment overrides: [String: String] = [:]) throws {
        let nonce = (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined()
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        var commandPipe: [Int32] = [0, 0]
        var statusPipe: [Int32] = [0, 0]
        guard makePipe(&outPipe), makePipe(&errPipe), makePipe(&commandPipe), makePipe(&statusPipe)
        else { throw EngineError("cannot create pipes for the worker: \(String(cString: strerror(errno)))") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        posix_spawn_file_actions_adddup2(&actions, commandPipe[0], 3)
        posix_spawn_file_actions_adddup2(&actions, statusPipe[1], 4)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group: a Ctrl-C aimed at the kernel's group must not kill the worker behind
        // the engine's back; the engine decides what an interrupt does.
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGINT)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var environment = ProcessInfo.processInfo.environment.merging(overrides) { _, set in set }
        environment["SWIFT_INFERENCE_CHANNEL"] = nonce
        environment["SWIFT_INFERENCE_REPLY_FD"] = "3"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        if let limit = configuration.memoryLimit {
            environment["SWIFT_INFERENCE_WORKER_MEMORY_LIMIT"] = String(limit)
        } else {
            environment.removeValue(forKey: "SWIFT_INFERENCE_WORKER_MEMORY_LIMIT")
        }
        let environmentStrings = environment.map { "\($0.key)=\($0.value)" }
        let arguments = [configuration.worker, configuration.supportLibrary] + (configuration.workingDirectory.map { [$0] } ?? [])

        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(environmentStrings) { envp in
                posix_spawn(&pid, configuration.worker, &actions, &attributes, argv, envp)
            }
        }
        close(outPipe[1])
        close(errPipe[1])
        close(commandPipe[0])
        close(statusPipe[1])
        guard status == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            close(commandPipe[1])
            close(statusPipe[0])
            throw EngineError("cannot start the worker \(configuration.worker): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        self.commandDescriptor = commandPipe[1]
        let decoder = FrameDecoder(nonce: nonce)
        let (outRead, errRead, statusRead) = (outPipe[0], errPipe[0], statusPipe[0])
        let reader = Thread { [self] in
            self.readLoop(out: outRead, err: errRead, decoder: decoder)
        }
        reader.name = "swift-inference worker reader"
        reader.start()
        let statusReader = Thread { [self] in
            self.readStatus(statusRead)
        }
        statusReader.name = "swift-inference worker status"
        statusReader.start()
    }

    deinit {
        close(commandDescriptor)
    }

    /// How many `run` commands were sent; the worker numbers its `done` records the same way.
    private(set) var runsSent = 0

    /// Sends a command to run a cell library's entry point; returns the run's number. A `timed` run ends
    /// with `%time`'s report of its wall and CPU time, measured in the worker around the entry point.
    func run(entry: String, library: String, timed: Bool = false) -> Int {
        runsSent += 1
        send("\(timed ? "time" : "run") \(entry) \(library)")
        return runsSent
    }

    /// Sends a comm message for a widget (compact JSON, one line); returns the run's number, as `run` does.
    func deliver(_ json: String) -> Int {
        runsSent += 1
        send("comm \(json)")
        return runsSent
    }

    /// Sends one command line.
    func send(_ command: String) {
        writeAll(Array((command + "\n").utf8))
    }

    /// Answers an input request: a line, or `nil` for end of input.
    func sendInput(_ line: String?) {
        guard let line else {
            writeAll(Array("-1\n".utf8))
            return
        }
        let body = Array(line.utf8)
        writeAll(Array("\(body.count)\n".utf8) + body)
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(commandDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Kills the worker at once, with every process it started (they share its process group).
    func kill() {
        life.withLock { life in
            guard !life.hasExited else { return }
            Glibc.kill(-pid, SIGKILL)
            Glibc.kill(pid, SIGKILL)
        }
    }

    /// The next message, waiting up to `timeout` (forever when `nil`); `nil` on time-out or wake-up, and
    /// now and then spuriously (a batch taken without waiting leaves its signal behind), so callers loop.
    func next(timeout: Duration?) -> Message? {
        if let message = take() { return message }
        if let timeout {
            _ = arrivals.wait(timeout: .now() + timeout / .seconds(1))
        } else {
            arrivals.wait()
        }
        return take()
    }

    private func take() -> Message? {
        mailbox.withLock { box in
            guard box.start < box.messages.count else { return nil }
            let message = box.messages[box.start]
            box.start += 1
            if box.start > 1024 && box.start * 2 > box.messages.count {
                box.messages.removeFirst(box.start)
                box.start = 0
            }
            return message
        }
    }

    /// Wakes a thread blocked in `next(timeout:)`.
    func wake() {
        arrivals.signal()
    }

    /// Reads the status pipe (one JSON record per line) until the worker closes it by exiting.
    private func readStatus(_ descriptor: Int32) {
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            for byte in buffer[0..<n] {
                if byte == UInt8(ascii: "\n") {
                    do throws(WorkerFrameError) {
                        if case .done(let run, _) = try WorkerFrame(decoding: line) { post([.status(run: run)]) }
                    } catch {
                        EngineLog.write("the worker's status pipe: \(error)")
                    }
                    line.removeAll()
                } else if line.count < 4096 {
                    line.append(byte)
                }
            }
        }
        close(descriptor)
    }

    /// Kills what is left of the worker's process group and reaps the worker: its wait status. Under the
    /// lock `kill()` takes, so a pid the system may reuse is never signalled.
    private func reap() -> Int32 {
        life.withLock { life in
            Glibc.kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            life.hasExited = true
            life.status = status
            return status
        }
    }

    /// The worker's wait status once it has exited; `nil` while it runs.
    var exitStatus: Int32? { life.withLock { $0.status } }

    /// Whether the worker has ended, without reaping it (so its process group can still be signalled).
    private func workerHasExited() -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_signo == SIGCHLD
    }

    private func post(_ messages: [Message]) {
        guard !messages.isEmpty else { return }
        mailbox.withLock { $0.messages.append(contentsOf: messages) }
        arrivals.signal()
    }

    /// Reads what `descriptor` holds right now without waiting, and posts it as stderr text.
    private func drainAvailable(_ descriptor: Int32, into buffer: inout [UInt8]) {
        var probe = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&probe, 1, 0) > 0, probe.revents & Int16(POLLIN) != 0 {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if n <= 0 { return }
            post([.text(.stderr, Array(buffer[0..<n]))])
        }
    }

    /// Reads both pipes until the worker has exited, then posts `.exited`.
    ///
    /// The worker's exit is watched on its own, not through end-of-file: a process the cell forked may hold
    /// the pipes open long after the worker is gone. Once the worker has exited, what the pipes already hold
    /// is read and the rest is abandoned.
    private func readLoop(out: Int32, err: Int32, decoder initial: FrameDecoder) {
        var decoder = initial
        var descriptors = [pollfd(fd: out, events: Int16(POLLIN), revents: 0), pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = 0
        var exited = false
        // Non-blocking reads: a pipe `poll` reported readable may have been emptied since (stderr is
        // drained early, below, whenever stdout has data). A blocking read there waited for the next
        // stderr byte while `done` sat unread in stdout, and the session waited for `done`: the kernel
        // hang seen in CI, with the worker idle and the reader blocked on stderr.
        for descriptor in [out, err] { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }

        func deliver(_ chunk: [UInt8], from index: Int) {
            if index == 0 {
                post(decoder.feed(chunk).map { piece in
                    switch piece {
                    case .text(let bytes): return .text(.stdout, bytes)
                    case .frame(let frame): return .frame(frame)
                    case .malformed(let error):
                        EngineLog.write("dropped a frame from worker \(pid): \(error)")
                        return .malformedFrame(error)
                    }
                })
            } else {
                post([.text(.stderr, chunk)])
            }
        }
        func closeStream(_ index: Int) {
            open[index] = false
            close(index == 0 ? out : err)
            if index == 0 {
                let rest = decoder.flush()
                if !rest.isEmpty { post([.text(.stdout, rest)]) }
                if !exited { post([.outputClosed]) }
            }
        }

        while open[0] || open[1] {
            for i in 0..<2 { descriptors[i].fd = open[i] ? (i == 0 ? out : err) : -1 }
            // After the worker has exited, only what is already in the pipes is read.
            let ready = poll(&descriptors, 2, exited ? 0 : 200)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                if exited { break }
                if workerHasExited() {
                    // Processes the cell forked share the worker's group: they go with it, and with them
                    // any pipe ends they held. The group id stays the worker's until it is reaped below.
                    status = reap()
                    exited = true
                }
                continue
            }
            for i in 0..<2 where open[i] && descriptors[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(descriptors[i].fd, $0.baseAddress!, $0.count) }
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if n <= 0 {
                    closeStream(i)
                    continue
                }
                // The worker writes stderr before it frames an event on stdout: take whatever stderr
                // already holds first, so an event (above all `done`) never overtakes that text.
                let chunk = Array(buffer[0..<n])
                if i == 0 && open[1] { drainAvailable(err, into: &buffer) }
                deliver(chunk, from: i)
            }
        }
        for i in 0..<2 where open[i] {
            open[i] = false
            close(i == 0 ? out : err)
        }
        let rest = decoder.flush()
        if !rest.isEmpty { post([.text(.stdout, rest)]) }
        if !exited { status = reap() }
        post([.exited(status)])
    }
}

/// The engine's log: one line per event on standard error (a Jupyter server shows the kernel's in its own log).
enum EngineLog {
    static func write(_ line: String) {
        let bytes = Array("[swift-inference engine] \(line)\n".utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// A problem of the engine itself (not of a cell): the worker or compiler could not be started.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}

/// A pipe whose ends are closed in every child process but the one they are handed to explicitly.
func makePipe(_ ends: inout [Int32]) -> Bool {
    guard pipe(&ends) == 0 else { return false }
    for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}
