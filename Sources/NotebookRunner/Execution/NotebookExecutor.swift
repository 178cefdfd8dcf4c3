import CellEngine
import NotebookJSON
import Synchronization

/// Progress callbacks while a notebook executes (called on the executing thread, except `onEvent`).
public struct ExecutionObserver: Sendable {
    /// A code cell is about to run: its position and its 1-based number among the code cells.
    public var cellStarted: @Sendable (_ index: Int, _ codeCellNumber: Int, _ codeCellCount: Int) -> Void
    /// A code cell finished (or was skipped).
    public var cellFinished: @Sendable (_ record: CellRecord, _ codeCellCount: Int) -> Void
    /// Output as the engine delivers it (on an engine thread), for `--log-output`.
    public var event: @Sendable (_ index: Int, _ event: CellEvent) -> Void

    /// An observer; every callback does nothing by default.
    public init(
        cellStarted: @escaping @Sendable (Int, Int, Int) -> Void = { _, _, _ in },
        cellFinished: @escaping @Sendable (CellRecord, Int) -> Void = { _, _ in },
        event: @escaping @Sendable (Int, CellEvent) -> Void = { _, _ in }
    ) {
        self.cellStarted = cellStarted
        self.cellFinished = cellFinished
        self.event = event
    }
}

/// Runs a notebook's code cells in order on one engine and records outputs the nbformat way.
public struct NotebookExecutor: Sendable {
    /// How to run.
    public var settings: ExecutionSettings

    /// An executor.
    /// - Parameters:
    ///   - settings: time limits, error policy and timing records.
    public init(settings: ExecutionSettings) {
        self.settings = settings
    }

    /// Executes every non-empty code cell of `input`, in order, on `engine`.
    ///
    /// Outputs and execution counts of the input are cleared first. Execution stops at the first failing
    /// cell unless the cell is tagged `raises-exception` or `allowErrors` is set; a time-out always
    /// stops it. The returned notebook keeps every output up to the stop, the error included.
    /// - Parameters:
    ///   - input: the notebook (parameters already injected).
    ///   - engine: a fresh engine; it is not shut down here.
    ///   - observer: progress callbacks.
    /// - Returns: the executed notebook and a record per code cell.
    public func run(_ input: Notebook, on engine: any CellExecuting, observer: ExecutionObserver = ExecutionObserver())
        -> NotebookRun
    {
        let clock = ContinuousClock()
        let start = clock.now
        var notebook = input
        notebook.metadata = input.metadataForExecution(languageVersion: settings.languageVersion)
        for index in notebook.cells.indices where notebook.cells[index].kind == .code {
            notebook.cells[index].outputs = []
            notebook.cells[index].executionCount = nil
            notebook.cells[index].metadata["execution"] = nil
        }
        let codeIndices = notebook.cells.indices.filter { notebook.cells[$0].kind == .code }
        var records: [CellRecord] = []
        var outcome = NotebookOutcome.succeeded
        var counter = 0
        var displays = DisplayIndex()
        let deadline = settings.notebookTimeout.map { start + $0 }

        for (number, index) in codeIndices.enumerated() {
            let cell = notebook.cells[index]
            let record: CellRecord
            if outcome != .succeeded {
                record = CellRecord(index: index, id: cell.id, status: .notRun)
            } else if cell.source.trimmingSpaces.isEmpty {
                record = CellRecord(index: index, id: cell.id, status: .empty)
            } else {
                observer.cellStarted(index, number + 1, codeIndices.count)
                counter += 1
                let run = CellRun(
                    index: index, executionCount: counter, limit: limit(for: cell, deadline: deadline, clock: clock),
                    deadlinePassed: deadline.map { $0 <= clock.now } ?? false)
                record = execute(run, of: &notebook, on: engine, displays: &displays, observer: observer, clock: clock)
                if record.status == .failed, let failure = record.failure { outcome = NotebookOutcome(failure.kind) }
            }
            records.append(record)
            observer.cellFinished(record, codeIndices.count)
        }
        // The widgets' last state, where nbconvert puts it, so JupyterLab and nbviewer show the widgets.
        notebook.metadata["widgets"] = engine.widgetMetadata
        return NotebookRun(notebook: notebook, outcome: outcome, cells: records, duration: clock.now - start)
    }

    /// One code cell's place, number and time limit.
    struct CellRun {
        var index: Int
        var executionCount: Int
        /// The limit, and whether it is the notebook's remaining time rather than the cell's own.
        var limit: (duration: Duration?, isNotebooks: Bool)
        /// The notebook's time was up before the cell started: it is not sent to the engine.
        var deadlinePassed: Bool
    }

    /// The effective limit of a cell: its own (or the default), cut to what is left of the notebook's.
    func limit(for cell: Cell, deadline: ContinuousClock.Instant?, clock: ContinuousClock)
        -> (duration: Duration?, isNotebooks: Bool)
    {
        let own = cell.ownTimeout ?? settings.cellTimeout
        guard let deadline else { return (own, false) }
        let left = deadline - clock.now
        if let own, own <= left { return (own, false) }
        return (max(left, .milliseconds(1)), true)
    }

    /// Runs one cell on the engine and writes its outputs, count and timing into `notebook`.
    func execute(
        _ run: CellRun, of notebook: inout Notebook, on engine: any CellExecuting, displays: inout DisplayIndex,
        observer: ExecutionObserver, clock: ContinuousClock
    ) -> CellRecord {
        let index = run.index
        let cell = notebook.cells[index]
        notebook.cells[index].executionCount = run.executionCount
        let startedAt = Timestamp.now()
        let cellStart = clock.now
        let recorder = EventRecorder()
        let result: Result<CellSuccess, CellFailure>
        if run.deadlinePassed {
            result = .failure(
                CellFailure(
                    kind: .timedOut, name: "Timeout", message: "the notebook's time limit was reached",
                    traceback: ["Timeout: the notebook's time limit was reached before this cell started"]))
        } else {
            result = engine.execute(
                cell.source, options: ExecuteOptions(timeout: run.limit.duration),
                onEvent: { event in
                    recorder.append(event)
                    observer.event(index, event)
                },
                onInput: { _ in nil })
        }
        let duration = clock.now - cellStart
        let finishedAt = Timestamp.now()

        for event in recorder.events {
            displays.apply(event, cell: index, notebook: &notebook)
        }
        var record = CellRecord(
            index: index, id: cell.id, executionCount: run.executionCount, status: .succeeded, duration: duration)
        switch result {
        case .success(let success):
            // A pending `clear(wait: true)` takes effect when the next output comes; none may come.
            if let value = success.result {
                displays.flushPendingClear(cell: index, notebook: &notebook)
                notebook.cells[index].outputs.append(
                    .executeResult(
                        executionCount: run.executionCount, data: value.notebookData, metadata: value.metadata))
            }
        case .failure(var failure):
            if failure.kind == .timedOut && run.limit.isNotebooks {
                record.notebookLimitReached = true
                if !failure.message.contains("notebook") {
                    failure.message += " (the notebook's time limit was reached)"
                }
            }
            displays.flushPendingClear(cell: index, notebook: &notebook)
            notebook.cells[index].outputs.append(
                .error(name: failure.name, value: failure.message, traceback: failure.traceback))
            record.failure = failure
            let mayFail = cell.hasTag(Cell.raisesExceptionTag) || settings.allowErrors
            let stops = failure.kind == .timedOut || failure.kind == .interrupted || !mayFail
            record.status = stops ? .failed : .allowedFailure
        }
        if settings.recordTiming {
            notebook.cells[index].metadata["execution"] = .object([
                "iopub.status.busy": .string(startedAt),
                "iopub.execute_input": .string(startedAt),
                "shell.execute_reply": .string(finishedAt),
                "iopub.status.idle": .string(finishedAt),
            ])
        }
        return record
    }
}

extension NotebookOutcome {
    init(_ kind: CellFailure.Kind) {
        switch kind {
        case .compileError, .thrownError: self = .cellError
        case .crash: self = .workerDied
        case .interrupted, .timedOut: self = .timedOut
        }
    }
}

extension DisplayOutput {
    /// The MIME bundle as nbformat stores it: JSON MIME types parsed, the rest text.
    var notebookData: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (mime, content) in data {
            if MultilineText.isJSONMIMEType(mime), let parsed = try? JSONValue(parsing: content) {
                out[mime] = parsed
            } else {
                out[mime] = .string(content)
            }
        }
        return out
    }
}

/// Collects a cell's events from the engine thread.
final class EventRecorder: Sendable {
    private let storage = Mutex<[CellEvent]>([])

    func append(_ event: CellEvent) {
        storage.withLock { $0.append(event) }
    }

    var events: [CellEvent] {
        storage.withLock { $0 }
    }
}

/// Applies events to a notebook: coalesces streams, tracks display ids for updates, handles clearing.
struct DisplayIndex {
    /// display id → (cell, output position) of every output shown with it.
    private var locations: [String: [(cell: Int, output: Int)]] = [:]
    /// Cells whose outputs are to be cleared before their next output (`clearOutput(wait: true)`).
    private var pendingClear: Set<Int> = []

    mutating func flushPendingClear(cell: Int, notebook: inout Notebook) {
        guard pendingClear.remove(cell) != nil else { return }
        clear(cell: cell, notebook: &notebook)
    }

    private mutating func clear(cell: Int, notebook: inout Notebook) {
        notebook.cells[cell].outputs.removeAll()
        for key in locations.keys {
            locations[key]?.removeAll { $0.cell == cell }
        }
    }

    mutating func apply(_ event: CellEvent, cell: Int, notebook: inout Notebook) {
        switch event {
        case .stream(let name, let text):
            flushPendingClear(cell: cell, notebook: &notebook)
            if case .stream(let lastName, let lastText) = notebook.cells[cell].outputs.last, lastName == name.rawValue {
                notebook.cells[cell].outputs[notebook.cells[cell].outputs.count - 1] =
                    .stream(name: lastName, text: lastText + text)
            } else {
                notebook.cells[cell].outputs.append(.stream(name: name.rawValue, text: text))
            }
        case .display(let output):
            flushPendingClear(cell: cell, notebook: &notebook)
            notebook.cells[cell].outputs.append(.displayData(data: output.notebookData, metadata: output.metadata))
            if let id = output.displayID {
                locations[id, default: []].append((cell, notebook.cells[cell].outputs.count - 1))
            }
        case .updateDisplay(let output):
            guard let id = output.displayID else { return }
            for location in locations[id] ?? [] {
                notebook.cells[location.cell].outputs[location.output] =
                    .displayData(data: output.notebookData, metadata: output.metadata)
            }
        case .comm:
            // Widgets' comms: their state goes into the notebook's metadata at the end of the run.
            break
        case .clearOutput(let wait):
            if wait {
                pendingClear.insert(cell)
            } else {
                pendingClear.remove(cell)
                clear(cell: cell, notebook: &notebook)
            }
        }
    }
}
