import CellEngine

/// How a notebook's execution ended. The order is the order of severity used when several notebooks fail.
public enum NotebookOutcome: String, Sendable, Hashable {
    /// Every cell ran, or every failure was allowed.
    case succeeded = "success"
    /// A cell failed to compile or threw an error.
    case cellError = "cell-error"
    /// A cell ran past its time limit, or past the notebook's (or was interrupted).
    case timedOut = "timeout"
    /// A cell crashed the worker (trap or signal).
    case workerDied = "worker-died"
    /// The executed outputs differ from the stored ones (`--check`).
    case outputMismatch = "output-mismatch"
    /// No engine could be started for the notebook (compiler, worker or support library missing).
    case engineUnavailable = "engine-unavailable"
    /// The executed notebook could not be written.
    case outputUnwritable = "output-unwritable"

    /// The process exit code for this outcome.
    public var exitCode: RunnerExitCode {
        switch self {
        case .succeeded: .success
        case .cellError: .cellError
        case .timedOut: .timeout
        case .workerDied: .workerDied
        case .outputMismatch: .outputMismatch
        case .engineUnavailable: .engineUnavailable
        case .outputUnwritable: .badInput
        }
    }
}

/// What happened to one code cell.
public struct CellRecord: Sendable, Hashable {
    /// What happened.
    public enum Status: String, Sendable, Hashable {
        /// Ran and succeeded.
        case succeeded = "success"
        /// Failed, and the failure was allowed (`raises-exception` or `--allow-errors`).
        case allowedFailure = "allowed-failure"
        /// Failed and stopped the notebook.
        case failed = "failure"
        /// Empty; not sent to the engine.
        case empty = "empty"
        /// Not run because an earlier cell stopped the notebook.
        case notRun = "not-run"
    }

    /// The 0-based position in the notebook (counting every cell).
    public var index: Int
    /// The cell id.
    public var id: String
    /// The execution counter given to the cell, if it ran.
    public var executionCount: Int?
    /// What happened.
    public var status: Status
    /// Wall time from submission to result; zero when the cell did not run.
    public var duration: Duration
    /// The failure, when the cell failed.
    public var failure: CellFailure?
    /// For a time-out: whether the notebook's limit (rather than the cell's) was reached.
    public var notebookLimitReached: Bool

    public init(
        index: Int, id: String, executionCount: Int? = nil, status: Status, duration: Duration = .zero,
        failure: CellFailure? = nil, notebookLimitReached: Bool = false
    ) {
        self.index = index
        self.id = id
        self.executionCount = executionCount
        self.status = status
        self.duration = duration
        self.failure = failure
        self.notebookLimitReached = notebookLimitReached
    }
}

/// The result of executing one notebook: the executed (possibly partial) notebook and what happened.
public struct NotebookRun: Sendable, Hashable {
    /// The executed notebook; on failure, every output up to and including the failing cell's error.
    public var notebook: Notebook
    /// How it ended.
    public var outcome: NotebookOutcome
    /// One record per code cell, in order.
    public var cells: [CellRecord]
    /// Wall time for the whole notebook.
    public var duration: Duration

    /// The record of the cell that stopped the notebook, if any.
    public var stoppingCell: CellRecord? {
        cells.first { $0.status == .failed }
    }
}
