import Foundation
import NotebookJSON

/// A notebook's execution state: cells run in order, each seeing what earlier successful cells declared.
///
/// Each cell is compiled into its own module and shared library and run by a worker process. When a
/// cell crashes, is interrupted or times out, the worker is replaced and the earlier successful cells
/// are run again in the new one with their output discarded, so their state is back; they come from
/// the build cache, so no compiler runs. `execute` blocks the calling thread until the cell finishes;
/// `interrupt()` may be called from any other thread.
public final class CellSession: @unchecked Sendable {
    public let configuration: EngineConfiguration
    private let compiler: CellCompiler
    /// Serialises executions and worker replacement.
    private let executionLock = NSLock()
    /// Guards `worker` and `interruptRequested`.
    private let stateLock = NSLock()
    private var worker: WorkerProcess?
    private var interruptRequested = false
    private var history: [CompiledCell] = []
    private var runtimeTypes: [String: String] = [:]
    private var executionCount = 0
    /// Modules loaded into the current worker, so a cell compiled twice to the same key gets a new name.
    private var loadedModules: Set<String> = []
    private var restoreNote: String?

    /// Starts a worker process for the session.
    public init(configuration: EngineConfiguration) throws {
        self.configuration = configuration
        compiler = try CellCompiler(configuration: configuration)
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
        executionLock.lock()
        defer { executionLock.unlock() }
        stateLock.lock()
        interruptRequested = false
        stateLock.unlock()
        executionCount += 1

        let analysis = CellAnalysis(source: code)
        if analysis.isEmpty { return .success(CellSuccess(result: nil)) }

        var salt = ""
        var output: CellCompiler.Output
        do {
            output = try compiler.compile(code: code, analysis: analysis, history: history)
            // A cell that declares nothing (`1 + 1`, a loop, a plot) has no globals to set up again: running
            // it once more calls the entry point of the library already loaded, with no compiler. A cell
            // that declares something gets a fresh module, so its declarations are new ones.
            var attempt = 1
            while analysis.exportsAnything && loadedModules.contains(output.moduleName) {
                salt = "rerun \(attempt)"
                attempt += 1
                output = try compiler.compile(code: code, analysis: analysis, history: history, salt: salt)
            }
        } catch CellCompiler.Failure.diagnostics(let cellDiagnostics, let other) {
            return .failure(compileFailure(cellDiagnostics, other: other, code: code))
        } catch {
            return .failure(CellFailure(kind: .compileError, name: "CompileError", message: "\(error)", traceback: ["\(error)"]))
        }

        if let note = restoreNote {
            restoreNote = nil
            onEvent(.stream(.stderr, note + "\n"))
        }
        do {
            try ensureWorker()
        } catch {
            return .failure(CellFailure(kind: .crash, name: "WorkerError", message: "\(error)", traceback: ["\(error)"]))
        }
        let run = runCell(library: output.library, moduleName: output.moduleName, timeout: options.timeout, onEvent: onEvent, onInput: onInput)
        switch run {
        case .finished(let result, let types):
            let cell = CompiledCell(
                moduleName: output.moduleName, cacheKey: output.cacheKey, library: output.library, analysis: analysis,
                executionIndex: executionCount)
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
        case .died(let status, let stderrTail):
            let failure = crashFailure(status: status, stderrTail: stderrTail)
            restoreAfterLoss()
            return .failure(failure)
        case .stopped(let timedOut):
            restoreAfterLoss()
            let restored = history.count
            if timedOut {
                let limit = options.timeout.map { "\($0)" } ?? "its time limit"
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

    /// Stops the running cell, if any; safe to call from any thread at any time.
    public func interrupt() {
        stateLock.lock()
        interruptRequested = true
        let current = worker
        stateLock.unlock()
        current?.wake()
    }

    /// Forgets every cell and starts a fresh worker.
    public func restart() throws {
        interrupt()
        executionLock.lock()
        defer { executionLock.unlock() }
        stopWorker()
        history.removeAll()
        runtimeTypes.removeAll()
        executionCount = 0
        try startWorker()
    }

    /// Stops the worker. The session cannot be used afterwards.
    public func shutdown() {
        interrupt()
        executionLock.lock()
        defer { executionLock.unlock() }
        if let worker {
            worker.send("exit")
            worker.kill()
        }
        stateLock.lock()
        worker = nil
        stateLock.unlock()
    }

    /// Top-level names declared by the successful cells so far, oldest first; a name declared again
    /// appears once, as its newest declaration.
    public var declarations: [CellDeclaration] {
        executionLock.lock()
        defer { executionLock.unlock() }
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

    private enum RunOutcome {
        case finished(DisplayOutput?, [String: String])
        case threw(String, String)
        case died(Int32, String)
        case stopped(timedOut: Bool)
    }

    private func runCell(
        library: String, moduleName: String, timeout: Duration?, onEvent: (@Sendable (CellEvent) -> Void)?,
        onInput: (@Sendable (InputRequest) -> String?)?
    ) -> RunOutcome {
        guard let worker else { return .died(0, "") }
        loadedModules.insert(moduleName)
        worker.send("run \(moduleName)_main \(library)")
        let deadline = timeout.map { Date().addingTimeInterval(Double($0.components.seconds) + Double($0.components.attoseconds) * 1e-18) }
        var decoders = [StreamName.stdout: StreamingUTF8Decoder(), .stderr: StreamingUTF8Decoder()]
        var result: DisplayOutput?
        var types: [String: String] = [:]
        var thrown: (String, String)?
        var stderrTail = ""

        func emitText(_ stream: StreamName, _ text: String) {
            guard !text.isEmpty else { return }
            if stream == .stderr {
                stderrTail += text
                if stderrTail.utf8.count > 16_384 { stderrTail = String(stderrTail.suffix(8_192)) }
            }
            onEvent?(.stream(stream, text))
        }
        func flushText() {
            for stream in [StreamName.stdout, .stderr] {
                emitText(stream, decoders[stream]!.finish())
            }
        }

        while true {
            stateLock.lock()
            let interrupted = interruptRequested
            stateLock.unlock()
            if interrupted {
                worker.kill()
                return .stopped(timedOut: false)
            }
            var wait: TimeInterval? = 0.25
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 {
                    worker.kill()
                    flushText()
                    return .stopped(timedOut: true)
                }
                wait = min(left, 0.25)
            }
            guard let message = worker.next(timeout: wait) else { continue }
            switch message {
            case .text(let stream, let bytes):
                emitText(stream, decoders[stream]!.decode(bytes))
            case .exited(let status):
                flushText()
                return .died(status, stderrTail)
            case .frame(let frame):
                // Text printed before a frame is complete when the frame arrives.
                let kind = frame["t"]?.stringValue ?? ""
                switch kind {
                case "display", "update":
                    flushText()
                    if let output = displayOutput(frame) {
                        onEvent?(kind == "update" ? .updateDisplay(output) : .display(output))
                    }
                case "clear":
                    flushText()
                    onEvent?(.clearOutput(wait: frame["wait"]?.boolValue ?? false))
                case "result":
                    result = displayOutput(frame)
                case "types":
                    for (name, value) in frame["types"]?.objectValue ?? [:] {
                        if let type = value.stringValue { types[name] = type }
                    }
                case "thrown":
                    thrown = (frame["type"]?.stringValue ?? "Error", frame["description"]?.stringValue ?? "")
                case "input":
                    flushText()
                    let request = InputRequest(
                        prompt: frame["prompt"]?.stringValue ?? "", password: frame["password"]?.boolValue ?? false)
                    worker.sendInput(onInput?(request))
                case "done":
                    flushText()
                    if frame["ok"]?.boolValue == true { return .finished(result, types) }
                    if let thrown { return .threw(thrown.0, thrown.1) }
                    return .threw("LoadError", stderrTail.isEmpty ? "the compiled cell could not be loaded" : stderrTail)
                default:
                    break
                }
            }
        }
    }

    private func displayOutput(_ frame: JSONValue) -> DisplayOutput? {
        guard let data = frame["data"]?.objectValue else { return nil }
        var strings: [String: String] = [:]
        for (mime, value) in data { strings[mime] = value.stringValue ?? value.serialized() }
        return DisplayOutput(data: strings, displayID: frame["id"]?.stringValue)
    }

    // MARK: Workers

    private func startWorker() throws {
        let process = try WorkerProcess(configuration: configuration)
        // Wait for the worker to say it is ready (it has loaded the support library).
        while let message = process.next(timeout: 30) {
            if case .frame(let frame) = message, frame["t"]?.stringValue == "ready" { break }
            if case .exited = message { throw EngineError("the worker exited while starting") }
        }
        stateLock.lock()
        worker = process
        stateLock.unlock()
        loadedModules.removeAll()
    }

    private func stopWorker() {
        stateLock.lock()
        let old = worker
        worker = nil
        stateLock.unlock()
        old?.kill()
    }

    private func ensureWorker() throws {
        if worker == nil || worker?.hasExited == true {
            stopWorker()
            try startWorker()
        }
    }

    /// Replaces a lost worker and runs the successful cells again, silently, to restore their state.
    private func restoreAfterLoss() {
        stopWorker()
        do {
            try startWorker()
        } catch {
            restoreNote = "swift-inference: could not start a new worker: \(error)"
            return
        }
        stateLock.lock()
        interruptRequested = false
        stateLock.unlock()
        for (index, cell) in history.enumerated() {
            switch runCell(library: cell.library, moduleName: cell.moduleName, timeout: nil, onEvent: nil, onInput: nil) {
            case .finished:
                continue
            default:
                let lost = history[index...].map { "\($0.executionIndex)" }.joined(separator: ", ")
                history.removeSubrange(index...)
                restoreNote =
                    "swift-inference: restoring earlier cells failed at execution [\(cell.executionIndex)]; what executions [\(lost)] defined is gone."
                try? ensureWorker()
                return
            }
        }
    }

    private func restoredSentence(_ count: Int) -> String {
        count == 0
            ? "The worker was restarted."
            : "The worker was restarted and the \(count) earlier successful cell\(count == 1 ? "" : "s") run again (output hidden), so their state is back."
    }

    // MARK: Failures

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

    private func crashFailure(status: Int32, stderrTail: String) -> CellFailure {
        let lines = stderrTail.split(separator: "\n").map(String.init)
        var name = "Crash"
        var message: String
        if let fatal = lines.last(where: { $0.contains("Fatal error") }) {
            name = "Fatal error"
            let parts = fatal.components(separatedBy: "Fatal error: ")
            message = parts.count > 1 ? parts[1] : fatal
            let location = parts[0]
            if location.hasPrefix(CodeGenerator.cellFileName + ":"), let line = Int(location.dropFirst(CodeGenerator.cellFileName.count + 1).prefix { $0.isNumber }) {
                message += " (line \(line))"
            }
        } else if lines.contains(where: { $0.contains("stack overflow") }) {
            name = "Stack overflow"
            message = "the cell used up its stack (too deep recursion?)"
        } else {
            let signal = status & 0x7f
            message = signal != 0 ? "the worker was stopped by signal \(signal) (\(String(cString: strsignal(signal))))" : "the worker exited with status \(status >> 8)"
        }
        let restored = history.count
        return CellFailure(
            kind: .crash, name: name, message: message,
            traceback: ["\(name): \(message)", "The cell crashed. " + restoredSentence(restored)])
    }
}

extension CellAnalysis {
    /// No statements at all: empty, or only comments and white space.
    var isEmpty: Bool { declarations.isEmpty && !hasStatements }
}
