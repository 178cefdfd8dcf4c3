import Foundation
import Synchronization
import WorkerProtocol

/// A notebook's execution state: cells run in order, each seeing what earlier successful cells declared.
///
/// Each cell is compiled into its own module and shared library and run by a worker process. When a
/// cell crashes, is interrupted or times out, the worker is replaced and the earlier successful cells
/// are run again in the new one with their output discarded, so their state is back; they come from
/// the build cache, so no compiler runs. `execute` blocks the calling thread until the cell finishes;
/// `interrupt()` may be called from any other thread.
public final class CellSession: @unchecked Sendable {
    public let configuration: EngineConfiguration
    let compiler: CellCompiler
    /// Serialises executions and worker replacement.
    let executionLock = Mutex(())
    /// What other threads read or set while a cell runs.
    private struct Shared {
        var worker: WorkerProcess?
        var interruptRequested = false
    }
    private let shared = Mutex(Shared())
    /// The current worker; replaced only under `executionLock`.
    var worker: WorkerProcess? {
        get { shared.withLock { $0.worker } }
        set { shared.withLock { $0.worker = newValue } }
    }
    var interruptRequested: Bool {
        get { shared.withLock { $0.interruptRequested } }
        set { shared.withLock { $0.interruptRequested = newValue } }
    }
    var history: [CompiledCell] = []
    private var runtimeTypes: [String: String] = [:]
    private var executionCount = 0
    /// What `%env` set in the worker, set again in every worker that replaces it.
    var workerEnvironment: [String: String] = [:]
    /// Where `%cd` moved the worker, where every worker that replaces it starts; `nil` keeps the configuration's.
    var workerDirectory: String?
    /// Where the last cell's time went.
    public private(set) var lastTimings = CellTimings()
    /// Modules loaded into the current worker, so a cell compiled twice to the same key gets a new name.
    private var loadedModules: Set<String> = []
    private var restoreNote: String?
    /// Every widget comm's last known state (`Widgets/WidgetStateStore.swift`).
    let widgetStates = WidgetStates()
    /// The first 16 hex digits of every widget id in this session: ids are this, the cell's execution number
    /// and the widget's place in the cell, so replayed cells make their widgets under the same ids.
    let widgetPrefix = (0..<2).map { _ in String(UInt64.random(in: 0x1000_0000_0000_0000 ... .max), radix: 16) }.joined().prefix(16)

    /// Starts a worker process for the session.
    public init(configuration: EngineConfiguration) throws {
        // A write to a worker that has just died must fail with EPIPE, not kill the host process (the
        // kernel, the runner) with SIGPIPE, as it once killed the test runner.
        signal(SIGPIPE, SIG_IGN)
        self.configuration = configuration
        compiler = try CellCompiler(configuration: configuration)
        compiler.shouldStop = { [unowned self] in self.interruptRequested }
        try startWorker()
    }

    deinit {
        worker?.kill()
    }

    /// Compiles and runs one cell.
    ///
    /// - Parameters:
    ///   - code: the cell's Swift source.
    ///   - options: a time limit, if any.
    ///   - onEvent: called, in order, for every output while the cell runs (on the calling thread).
    ///   - onInput: called when the cell asks for a line of input; return `nil` for end of input (as when
    ///     the front end does not allow stdin).
    /// - Returns: the cell's result, or why it failed.
    public func execute(
        _ code: String,
        options: ExecuteOptions = ExecuteOptions(),
        onEvent: @escaping @Sendable (CellEvent) -> Void,
        onInput: (@Sendable (InputRequest) -> String?)? = nil
    ) -> Result<CellSuccess, CellFailure> {
        executionLock.withLock { _ in
            executionCount += 1
            interruptRequested = false
            let request = MagicRequest(code: code, options: options, onEvent: widgetStates.recording(onEvent), onInput: onInput)
            return runMagicsOrCell(request)
        }
    }

    /// How the engine runs a piece of code: an ordinary cell, or code it generated for a magic.
    struct RunMode {
        /// Whether the cell joins the history (its declarations stay, it is replayed after a crash).
        var keep = true
        /// Whether the worker reports the run's wall and CPU time after it (`%time`).
        var timed = false
        /// The text diagnostics are shown against, when the compiled code is not the cell as written.
        var displaySource: String?
        /// Answers the generated code's requests for its argument (`MagicExchange`); `nil` for ordinary cells.
        var exchange: MagicExchangeAnswers?
        /// A link cell already compiled (`%install`), run instead of the code and kept with its package.
        var link: (output: CellCompiler.Output, package: InstalledPackage)?

        static let ordinary = RunMode()
    }

    func executeLocked(
        _ code: String, options: ExecuteOptions, onEvent: @escaping @Sendable (CellEvent) -> Void,
        onInput: (@Sendable (InputRequest) -> String?)?, mode: RunMode = .ordinary
    ) -> Result<CellSuccess, CellFailure> {
        let clock = ContinuousClock()
        let started = clock.now
        compiler.timings = CellTimings()
        var ranFor = Duration.zero
        var analysed = started
        defer {
            var timings = compiler.timings
            timings.analyse = analysed - started
            timings.run = ranFor
            timings.total = clock.now - started
            lastTimings = timings
        }

        let analysis = CellAnalysis(source: code)
        analysed = clock.now
        if analysis.isEmpty && mode.link == nil { return .success(CellSuccess(result: nil)) }

        let output: CellCompiler.Output
        if let link = mode.link {
            output = link.output
        } else {
            switch compile(code, analysis: analysis, displaySource: mode.displaySource ?? code) {
            case .success(let built): output = built
            case .failure(let failure): return .failure(failure)
            }
        }

        if let note = restoreNote {
            restoreNote = nil
            onEvent(.stream(.stderr, note + "\n"))
        }
        if worker == nil && !history.isEmpty {
            // The last restore could not start a worker: try again, with the earlier cells.
            restoreAfterLoss()
        } else if let status = worker?.exitStatus {
            // The worker ended while no cell ran (killed from outside, out of memory): bring the state back
            // before running the new cell, and say so.
            restoreAfterLoss()
            let note = "swift-inference: the worker process had ended since the last cell (\(Self.describe(status: status))); "
                + restoredSentence(history.count)
            onEvent(.stream(.stderr, note + "\n"))
        }
        do {
            try ensureWorker()
        } catch {
            return .failure(CellFailure(kind: .crash, name: "WorkerError", message: "\(error)", traceback: ["\(error)"]))
        }
        let runStarted = clock.now
        let run = runCell(
            .cell(library: output.library, moduleName: output.moduleName, execution: executionCount, timed: mode.timed),
            timeout: options.timeout, onEvent: onEvent, onInput: mode.exchange.map { $0.answer } ?? onInput)
        ranFor = clock.now - runStarted
        return conclude(
            run, output: output, analysis: analysis, ranFor: ranFor, timeout: options.timeout, keep: mode.keep,
            package: mode.link?.package)
    }

    /// Compiles a cell; a cell that declares something and whose module is already loaded gets a new name.
    private func compile(_ code: String, analysis: CellAnalysis, displaySource: String) -> Result<CellCompiler.Output, CellFailure> {
        var salt = ""
        var output: CellCompiler.Output
        do {
            output = try compiler.compile(code: code, analysis: analysis, history: history, diagnosticSource: displaySource)
            // A cell that declares nothing (`1 + 1`, a loop, a plot) has no globals to set up again: running
            // it once more calls the entry point of the library already loaded, with no compiler. A cell
            // that declares something gets a fresh module, so its declarations are new ones.
            var attempt = 1
            while analysis.exportsAnything && loadedModules.contains(output.moduleName) {
                salt = "rerun \(attempt)"
                attempt += 1
                output = try compiler.compile(
                    code: code, analysis: analysis, history: history, salt: salt, diagnosticSource: displaySource)
            }
        } catch let stopped as ProcessRunner.Stopped {
            if stopped.timedOut {
                return .failure(
                    CellFailure(
                        kind: .timedOut, name: "CompileTimeout", message: "compiling the cell took longer than \(compiler.timeLimit)",
                        traceback: ["CompileTimeout: compiling the cell took longer than \(compiler.timeLimit) and was stopped; earlier cells are unchanged."]))
            }
            return .failure(
                CellFailure(
                    kind: .interrupted, name: "Interrupted", message: "the cell was interrupted while it compiled",
                    traceback: ["Interrupted: the compiler was stopped; earlier cells are unchanged."]))
        } catch CellCompiler.Failure.diagnostics(let cellDiagnostics, let other) {
            let mapped = cellDiagnostics.map { Self.unshift($0, by: analysis.isolationInsertions) }
            return .failure(compileFailure(mapped, other: other, code: displaySource))
        } catch {
            return .failure(CellFailure(kind: .compileError, name: "CompileError", message: "\(error)", traceback: ["\(error)"]))
        }
        return .success(output)
    }

    /// The cell's result from how its run ended; a lost worker is replaced and the earlier cells restored.
    private func conclude(
        _ run: RunOutcome, output: CellCompiler.Output, analysis: CellAnalysis, ranFor: Duration, timeout: Duration?,
        keep: Bool, package: InstalledPackage? = nil
    ) -> Result<CellSuccess, CellFailure> {
        switch run {
        case .finished(let result, _) where !keep:
            return .success(CellSuccess(result: result))
        case .finished(let result, let types):
            let cell = CompiledCell(
                moduleName: output.moduleName, cacheKey: output.cacheKey, library: output.library, analysis: analysis,
                executionIndex: executionCount, importedModules: output.importedModules, ranFor: ranFor, package: package)
            history.append(cell)
            for (name, type) in types { runtimeTypes[name] = type }
            for declaration in analysis.declarations where types[declaration.name] == nil {
                runtimeTypes[declaration.name] = nil
            }
            return .success(CellSuccess(result: result))
        case .threw(let type, let description):
            return .failure(
                CellFailure(
                    kind: .thrownError, name: type, message: description,
                    traceback: ["\(type): \(description)", "The error was thrown at the top level of the cell; what earlier cells defined is unchanged."]))
        case .exited(let status):
            return .failure(
                CellFailure(
                    kind: .thrownError, name: "Exit", message: "the cell called exit(\(status))",
                    traceback: [
                        "Exit: the cell called exit(\(status)).",
                        "In a notebook, exit ends the cell, not the kernel; what earlier cells defined is unchanged.",
                    ]))
        case .died(let status, let stderrTail):
            let failure = crashFailure(status: status, stderrTail: stderrTail, library: output.library, moduleName: output.moduleName)
            restoreAfterLoss()
            return .failure(failure)
        case .lost(let reason):
            restoreAfterLoss()
            return .failure(
                CellFailure(
                    kind: .crash, name: "WorkerLost", message: reason,
                    traceback: ["WorkerLost: \(reason).", restoredSentence(history.count)]))
        case .stopped(let timedOut):
            restoreAfterLoss()
            let restored = history.count
            if timedOut {
                let limit = timeout.map { "\($0)" } ?? "its time limit"
                return .failure(
                    CellFailure(
                        kind: .timedOut, name: "Timeout", message: "the cell ran longer than \(limit) and was stopped",
                        traceback: ["Timeout: the cell ran longer than \(limit) and was stopped.", restoredSentence(restored)]))
            }
            return .failure(
                CellFailure(
                    kind: .interrupted, name: "Interrupted", message: "the cell was interrupted",
                    traceback: ["Interrupted: the cell was stopped.", restoredSentence(restored)]))
        }
    }

    /// The current worker's process id (for diagnostics and fault-injection tests); safe from any thread.
    public var workerProcessID: Int32? { worker?.pid }

    /// Stops the running cell, if any; safe to call from any thread at any time.
    public func interrupt() {
        let current = shared.withLock { shared in
            shared.interruptRequested = true
            return shared.worker
        }
        current?.wake()
    }

    /// Forgets every cell and starts a fresh worker.
    public func restart() throws {
        interrupt()
        try executionLock.withLock { _ in
            try forgetCells()
            executionCount = 0
        }
    }

    /// Forgets every cell and starts a fresh worker (in the folder and environment the magics set).
    func forgetCells() throws {
        stopWorker()
        history.removeAll()
        runtimeTypes.removeAll()
        try startWorker()
    }

    /// Stops the worker. The session cannot be used afterwards.
    public func shutdown() {
        interrupt()
        executionLock.withLock { _ in
            if let worker {
                worker.send("exit")
                worker.kill()
            }
            worker = nil
        }
    }

    /// Top-level names declared by the successful cells so far, oldest first; a name declared again
    /// appears once, as its newest declaration.
    public var declarations: [CellDeclaration] {
        executionLock.withLock { _ in newestDeclarations() }
    }

    func newestDeclarations() -> [CellDeclaration] {
        var newest: [String: CellDeclaration] = [:]
        var order: [String] = []
        for cell in history {
            for d in cell.analysis.declarations {
                if newest[d.name] == nil { order.append(d.name) }
                newest[d.name] = CellDeclaration(
                    name: d.name, kind: d.kind, signature: d.signature, documentation: d.documentation,
                    executionIndex: cell.executionIndex, typeName: runtimeTypes[d.name])
            }
        }
        return order.compactMap { newest[$0] }
    }

    // MARK: Running

    enum RunOutcome {
        case finished(DisplayOutput?, [String: String])
        case threw(String, String)
        /// The cell called `exit` with a non-zero status; the worker lives on.
        case exited(Int32)
        case died(Int32, String)
        /// The worker stopped answering the protocol (a lost command, a closed event channel) and was killed.
        case lost(String)
        case stopped(timedOut: Bool)
    }

    /// How long the worker has to acknowledge a `run` command (it only has to read a line).
    static let acknowledgementLimit: Duration = .seconds(20)
    /// How long a worker that closed its event channel has to exit by itself before it is killed.
    static let closedChannelGrace: Duration = .seconds(2)
    /// How long the `done` record on standard output may trail its copy on the status pipe.
    static let lostRecordGrace: Duration = .seconds(2)

    /// Runs one compiled cell in the worker and waits for its end.
    ///
    /// The wait is a small state machine, and every state has a way out:
    /// - *sent*: the `run` command is written; the worker must answer `started` within
    ///   `acknowledgementLimit`, or the command is taken as lost (the worker is killed, `.lost`).
    /// - *running*: the cell runs as long as it likes; output streams. It ends with `done` (finished, threw,
    ///   exited), with the worker's death (`.died`, noticed by the reader through `waitid`, not end-of-file,
    ///   so processes the cell forked cannot hold it up), with an interrupt or the time limit (the worker is
    ///   killed, `.stopped`), or with the event channel closing while the worker lives on (`.lost` after
    ///   `closedChannelGrace`).
    /// - *killed*: after `kill()` the reader reaps the worker and posts `.exited`, so the loop ends.
    /// Every wait on the mailbox is at most 250 ms, and the interrupt flag is checked between waits.
    /// What the worker is asked to run: a cell's library, or a comm message for a widget.
    enum WorkerJob {
        case cell(library: String, moduleName: String, execution: Int, timed: Bool)
        case comm(json: String)
    }

    func runCell(
        _ job: WorkerJob, timeout: Duration?, onEvent: (@Sendable (CellEvent) -> Void)?,
        onInput: (@Sendable (InputRequest) -> String?)?
    ) -> RunOutcome {
        guard let worker else { return .died(0, "") }
        let runNumber: Int
        var run: CellRun
        switch job {
        case .cell(let library, let moduleName, let execution, let timed):
            loadedModules.insert(moduleName)
            worker.send("cell \(execution) \(widgetPrefix)")
            runNumber = worker.run(entry: "\(moduleName)_main", library: library, timed: timed)
            run = CellRun(moduleName: moduleName, runNumber: runNumber, timeout: timeout, onEvent: onEvent)
        case .comm(let json):
            runNumber = worker.deliver(json)
            run = CellRun(moduleName: "", runNumber: runNumber, timeout: timeout, onEvent: onEvent)
            run.isComm = true
        }
        while true {
            if run.killedBecause == nil, let reason = run.reasonToStop(interrupted: interruptRequested) {
                run.killedBecause = reason
                worker.kill()
            }
            guard let message = worker.next(timeout: .milliseconds(250)) else { continue }
            if let outcome = run.take(message, worker: worker, onInput: onInput) { return outcome }
        }
    }

    /// One run of a cell in the worker: what has arrived so far, and the clocks that bound the wait.
    private struct CellRun {
        let runNumber: Int
        let onEvent: (@Sendable (CellEvent) -> Void)?
        let clock = ContinuousClock()
        let sentAt: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant?
        var acknowledged = false
        var channelClosedAt: ContinuousClock.Instant?
        /// When the copy of this run's `done` came on the status pipe.
        var statusDoneAt: ContinuousClock.Instant?
        /// Why the worker was killed, once it was; the run then only waits for its exit.
        var killedBecause: RunOutcome?
        /// A comm message's run: an error its callbacks threw comes with a `finished` end.
        var isComm = false
        var decoders = [StreamName.stdout: StreamingUTF8Decoder(), .stderr: StreamingUTF8Decoder()]
        var stderrFilter: StderrFilter
        var result: DisplayOutput?
        var types: [String: String] = [:]
        var thrown: (type: String, description: String)?
        var stderrTail = ""

        init(moduleName: String, runNumber: Int, timeout: Duration?, onEvent: (@Sendable (CellEvent) -> Void)?) {
            self.runNumber = runNumber
            self.onEvent = onEvent
            let now = clock.now
            sentAt = now
            deadline = timeout.map { now + $0 }
            stderrFilter = StderrFilter(cellModule: moduleName)
        }

        /// Why the cell must be stopped now, if it must.
        func reasonToStop(interrupted: Bool) -> RunOutcome? {
            let now = clock.now
            if interrupted { return .stopped(timedOut: false) }
            if let deadline, now >= deadline { return .stopped(timedOut: true) }
            if !acknowledged, now - sentAt > CellSession.acknowledgementLimit {
                return .lost("the worker did not acknowledge the command to run the cell within \(CellSession.acknowledgementLimit)")
            }
            if let closed = channelClosedAt, now - closed > CellSession.closedChannelGrace {
                return .lost("the cell closed the worker's standard output (file descriptor 1), which carries its results")
            }
            if let statusDoneAt, now - statusDoneAt > CellSession.lostRecordGrace {
                // The worker says the cell ended, but its record on standard output never came: the cell
                // broke the output channel (redirected or filled fd 1). The worker is replaced, and the
                // cell is not kept, since running it again would break the new worker the same way.
                return .lost("the cell's end record never arrived on the worker's standard output (did the cell redirect file descriptor 1?)")
            }
            return nil
        }

        /// Takes one message from the worker; the run's outcome once it has one.
        mutating func take(
            _ message: WorkerProcess.Message, worker: WorkerProcess, onInput: (@Sendable (InputRequest) -> String?)?
        ) -> RunOutcome? {
            switch message {
            case .text(let stream, let bytes):
                emitText(stream, decoders[stream]!.decode(bytes))
            case .outputClosed:
                if channelClosedAt == nil { channelClosedAt = clock.now }
            case .status(let run):
                // Copies for earlier runs (whose records on stdout did arrive) are stale.
                if statusDoneAt == nil, run == runNumber { statusDoneAt = clock.now }
            case .exited(let status):
                flushText()
                return killedBecause ?? .died(status, stderrTail)
            case .malformedFrame(let error):
                // Already in the engine's log; the cell's output says something is missing from it.
                let note = "\n[swift-inference: an output record was dropped: \(error)]\n"
                if killedBecause == nil { emitText(.stdout, decoders[.stdout]!.decode(Array(note.utf8))) }
            case .frame(let frame):
                if killedBecause == nil { return take(frame, worker: worker, onInput: onInput) }
            }
            return nil
        }

        private mutating func take(
            _ frame: WorkerFrame, worker: WorkerProcess, onInput: (@Sendable (InputRequest) -> String?)?
        ) -> RunOutcome? {
            // Text printed before a frame is complete when the frame arrives.
            switch frame {
            case .ready:
                break
            case .started:
                acknowledged = true
            case .display(let data, let id):
                flushText()
                onEvent?(.display(DisplayOutput(data: data, displayID: id)))
            case .update(let data, let id):
                flushText()
                onEvent?(.updateDisplay(DisplayOutput(data: data, displayID: id)))
            case .clear(let wait):
                flushText()
                onEvent?(.clearOutput(wait: wait))
            case .result(let data):
                result = DisplayOutput(data: data)
            case .types(let reported):
                types.merge(reported) { _, newer in newer }
            case .thrown(let type, let description):
                thrown = (type, description)
            case .commOpen(let id, let target, let data, let metadata):
                flushText()
                onEvent?(.comm(.open(id: id, target: target, data: data, metadata: metadata)))
            case .commMessage(let id, let data):
                flushText()
                onEvent?(.comm(.message(id: id, data: data)))
            case .commClose(let id, let data):
                flushText()
                onEvent?(.comm(.close(id: id, data: data)))
            case .input(let prompt, let password):
                flushText()
                worker.sendInput(onInput?(InputRequest(prompt: prompt, password: password)))
            case .done(_, let end):
                flushText()
                switch end {
                case .finished:
                if isComm, let thrown { return .threw(thrown.type, thrown.description) }
                return .finished(result, types)
                case .exited(let status): return .exited(status)
                case .notLoaded, .abandoned:
                    if let thrown { return .threw(thrown.type, thrown.description) }
                    return .threw("LoadError", stderrTail.isEmpty ? "the compiled cell could not be loaded" : stderrTail)
                }
            }
            return nil
        }

        private mutating func emitText(_ stream: StreamName, _ text: String) {
            guard !text.isEmpty else { return }
            var shown = text
            if stream == .stderr {
                stderrTail += text
                if stderrTail.utf8.count > 16_384 { stderrTail = String(stderrTail.suffix(8_192)) }
                shown = stderrFilter.filter(text)
            }
            if !shown.isEmpty { onEvent?(.stream(stream, shown)) }
        }

        private mutating func flushText() {
            for stream in [StreamName.stdout, .stderr] {
                emitText(stream, decoders[stream]!.finish())
            }
            let held = stderrFilter.finish()
            if !held.isEmpty { onEvent?(.stream(.stderr, held)) }
        }
    }

    // MARK: Workers

    /// How long a new worker has to load the support library and say it is ready.
    static let startLimit: Duration = .seconds(60)

    private func startWorker() throws {
        var setup = configuration
        if let workerDirectory { setup.workingDirectory = workerDirectory }
        let process = try WorkerProcess(configuration: setup, environment: workerEnvironment)
        // Wait for the worker to say it is ready (it has loaded the support library).
        let clock = ContinuousClock()
        let deadline = clock.now + Self.startLimit
        var ready = false
        while !ready {
            if clock.now >= deadline {
                process.kill()
                throw EngineError("the worker did not start within \(Self.startLimit)")
            }
            guard let message = process.next(timeout: .milliseconds(250)) else { continue }
            switch message {
            case .frame(.ready):
                ready = true
            case .exited(let status):
                throw EngineError("the worker exited while starting (\(Self.describe(status: status)))")
            case .text(_, let bytes):
                // A worker that cannot start says why on stderr.
                FileHandle.standardError.write(Data(bytes))
            default:
                break
            }
        }
        worker = process
        loadedModules.removeAll()
    }

    private func stopWorker() {
        let old = shared.withLock { shared in
            let old = shared.worker
            shared.worker = nil
            return old
        }
        old?.kill()
    }

    func ensureWorker() throws {
        if worker == nil || worker?.hasExited == true {
            stopWorker()
            try startWorker()
        }
    }

    /// Replaces a lost worker and runs the successful cells again, silently, to restore their state.
    ///
    /// Each earlier cell runs once more from the cache, so restoring costs what those cells cost to run
    /// (their compiling is never repeated). When the new worker is lost during the replay for a reason
    /// outside the cells (killed from outside), the replay starts over once in another worker; a cell that
    /// fails again ends it, and the cells from that one on are dropped, with a note saying which.
    func restoreAfterLoss() {
        restoreCells()
        restoreWidgetValues()
    }

    private func restoreCells() {
        var retryAfterKill = true
        var startFailures = 0
        var notes: [String] = []
        defer { restoreNote = notes.isEmpty ? nil : notes.joined(separator: "\n") }
        while true {
            stopWorker()
            do {
                try startWorker()
            } catch {
                startFailures += 1
                if startFailures < 2 { continue }
                notes.append("swift-inference: could not start a new worker: \(error)")
                return
            }
            interruptRequested = false
            var failedAt: Int?
            var workerKilled = false
            var timedOut = false
            for (index, cell) in history.enumerated() {
                let outcome = runCell(
                    .cell(library: cell.library, moduleName: cell.moduleName, execution: cell.executionIndex, timed: false),
                    timeout: Self.replayLimit(cell), onEvent: nil, onInput: nil)
                if case .finished = outcome { continue }
                failedAt = index
                if case .died(let status, _) = outcome, status & 0x7f == SIGKILL { workerKilled = true }
                if case .stopped(timedOut: true) = outcome { timedOut = true }
                break
            }
            guard let index = failedAt else { return }
            // Killed from outside: once more, in another worker.
            if workerKilled && retryAfterKill {
                retryAfterKill = false
                continue
            }
            let cell = history[index]
            let lost = history[index...].map { "\($0.executionIndex)" }.joined(separator: ", ")
            history.removeSubrange(index...)
            let why = timedOut ? " (it ran longer than \(Self.replayLimit(cell)), three times its first run and 10 s more)" : ""
            notes.append(
                "swift-inference: restoring earlier cells failed at execution [\(cell.executionIndex)]\(why); what executions [\(lost)] defined is gone.")
            // A cell that threw leaves the worker and the cells before it as they were. One that crashed or
            // was stopped took the worker with it: the shorter history is run again in a new one (the
            // history shrinks each time, so this ends).
            if let worker, !worker.hasExited, !timedOut { return }
        }
    }

    /// The longest a cell may run when it is run again after a crash: a cell that behaves differently the
    /// second time (it waits for something that is gone) cannot hold the restore, so a restore takes at most
    /// three times the earlier cells' first runs plus 10 s each, and no compiler runs.
    static func replayLimit(_ cell: CompiledCell) -> Duration {
        cell.ranFor * 3 + .seconds(10)
    }

    /// A wait status in words.
    static func describe(status: Int32) -> String {
        let signal = status & 0x7f
        if signal != 0 { return "signal \(signal), \(String(cString: strsignal(signal)))" }
        return "exit status \((status >> 8) & 0xff)"
    }

    func restoredSentence(_ count: Int) -> String {
        count == 0
            ? "The worker was restarted."
            : "The worker was restarted and the \(count) earlier successful cell\(count == 1 ? "" : "s") run again (output hidden), so their state is back."
    }

    // MARK: Failures

    /// A diagnostic's column in the student's text, before the engine's insertions on its line.
    static func unshift(_ diagnostic: CellDiagnostic, by insertions: [SourceInsertion]) -> CellDiagnostic {
        var mapped = diagnostic
        for insertion in insertions where insertion.line == diagnostic.line && insertion.column < diagnostic.column {
            mapped.column = max(insertion.column, mapped.column - insertion.text.count)
        }
        return mapped
    }

    private func compileFailure(_ diagnostics: [CellDiagnostic], other: [String], code: String) -> CellFailure {
        let errors = diagnostics.filter { $0.severity == .error }
        var traceback = Diagnostics.render(diagnostics, cellSource: code)
        if errors.isEmpty { traceback += other.map { "error: \($0)" } }
        if traceback.isEmpty { traceback = ["error: the cell did not compile"] }
        let message: String
        if let first = errors.first {
            message = "line \(first.line), column \(first.column): \(first.message)"
        } else {
            message = other.first ?? "the cell did not compile"
        }
        return CellFailure(kind: .compileError, name: "CompileError", message: message, traceback: traceback)
    }

    func crashFailure(status: Int32, stderrTail: String, library: String, moduleName: String) -> CellFailure {
        let signal = status & 0x7f
        // Where in the cells it happened (CrashReport.swift).
        let place = CrashPlace(
            stderr: stderrTail, library: library, history: history, symbolizer: CrashPlace.symbolizer(nextTo: configuration.swiftc))
        var name = "Crash"
        var message: String
        var detail: String?
        if stderrTail.contains("Could not allocate memory") || stderrTail.contains("std::bad_alloc")
            || stderrTail.contains("failed to allocate")
            || stderrTail.contains("Cannot allocate memory")
        {
            name = "OutOfMemory"
            let limit = configuration.memoryLimit.map { "limit \(Self.formatBytes($0))" } ?? "no limit set"
            message = "out of memory (\(limit))"
            detail = "The cell asked for more memory than the worker may use. SWIFT_INFERENCE_MEMORY_LIMIT (in the kernelspec's env) sets the limit."
        } else if let trap = CrashReport(stderr: stderrTail) {
            name = trap.name
            message = trap.message + place.suffix(fallbackLine: trap.line(inCell: moduleName))
        } else if stderrTail.contains("stack overflow") {
            name = "Stack overflow"
            message = "the cell used up its stack (too deep recursion?)" + place.suffix()
        } else if signal == SIGILL || signal == SIGTRAP {
            // Swift's own checks that print nothing before they stop the program.
            name = "Trap"
            message = (place.trapReason ?? "a runtime check failed (an arithmetic overflow, or another check that gives no message)") + place.suffix()
        } else if signal == SIGABRT {
            name = "Aborted"
            message = "the cell called abort()" + place.suffix()
        } else if signal == SIGKILL {
            name = "Killed"
            message = "the worker was killed (signal 9): by hand, or by the system when memory ran out"
        } else {
            message = signal != 0 ? "the worker was stopped by signal \(signal) (\(String(cString: strsignal(signal))))" : "the worker exited with status \(status >> 8)"
        }
        let restored = history.count
        var traceback = ["\(name): \(message)"]
        if let detail { traceback.append(detail) }
        traceback.append("The cell crashed. " + restoredSentence(restored))
        return CellFailure(kind: .crash, name: name, message: message, traceback: traceback)
    }

    static func formatBytes(_ bytes: UInt64) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        if gib >= 1 { return gib == gib.rounded() ? "\(Int(gib)) GiB" : String(format: "%.1f GiB", gib) }
        return "\(bytes >> 20) MiB"
    }
}

extension CellAnalysis {
    /// No statements at all: empty, or only comments and white space.
    var isEmpty: Bool { declarations.isEmpty && !hasStatements }
}
