/// What happened to one notebook of a batch.
public struct NotebookResult: Sendable, Hashable {
    /// The input file.
    public var input: String
    /// The executed notebook's file, when one was written.
    public var output: String?
    /// The HTML export's file, when one was written.
    public var htmlOutput: String?
    /// How it ended.
    public var outcome: NotebookOutcome
    /// The execution, when the engine started.
    public var run: NotebookRun?
    /// With `--check`: the cells whose outputs did not reproduce.
    public var mismatches: [NotebookComparison.Mismatch]
    /// A one-line reason when the notebook did not succeed.
    public var message: String?

    public init(
        input: String, output: String? = nil, htmlOutput: String? = nil, outcome: NotebookOutcome,
        run: NotebookRun? = nil, mismatches: [NotebookComparison.Mismatch] = [], message: String? = nil
    ) {
        self.input = input
        self.output = output
        self.htmlOutput = htmlOutput
        self.outcome = outcome
        self.run = run
        self.mismatches = mismatches
        self.message = message
    }
}

/// What happened to a whole batch.
public struct BatchResult: Sendable, Hashable {
    /// One result per notebook, in command-line order.
    public var notebooks: [NotebookResult]
    /// Wall time for the batch.
    public var duration: Duration
    /// Errors that stopped the batch before anything ran (bad input); empty otherwise.
    public var inputErrors: [NotebookError]
    /// The slice of the notebooks this batch ran, when it ran one (`--shard k/n`).
    public var shard: Shard?

    public init(notebooks: [NotebookResult], duration: Duration, inputErrors: [NotebookError] = [], shard: Shard? = nil) {
        self.notebooks = notebooks
        self.duration = duration
        self.inputErrors = inputErrors
        self.shard = shard
    }

    /// The process exit code: bad input if any, else the first failing notebook's code.
    public var exitCode: RunnerExitCode {
        if !inputErrors.isEmpty { return .badInput }
        return notebooks.first { $0.outcome != .succeeded }?.outcome.exitCode ?? .success
    }
}
