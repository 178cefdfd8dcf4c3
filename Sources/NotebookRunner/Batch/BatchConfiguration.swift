/// Everything `swift-inference execute` was asked to do.
public struct BatchConfiguration: Sendable, Hashable {
    /// Notebook files and folders, in command-line order.
    public var inputs: [String]
    /// Where executed notebooks go; `nil` writes none (only with `--check`) unless `inPlace`.
    public var outputDirectory: String?
    /// Overwrite each input with its executed version.
    public var inPlace: Bool
    /// `-p` values to inject.
    public var parameters: [NotebookParameter]
    /// Time limits, error policy, timing records.
    public var settings: ExecutionSettings
    /// Compare executed outputs with the stored ones.
    public var check: Bool
    /// Notebooks run at the same time, each on its own engine.
    public var jobs: Int
    /// Print cell output on standard error as it arrives.
    public var logOutput: Bool
    /// The JSON summary file, if wanted.
    public var summaryPath: String?
    /// The JUnit XML file, if wanted.
    public var junitPath: String?
    /// The folder for HTML exports, if wanted.
    public var htmlDirectory: String?
    /// Run only this slice of the notebooks (`--shard k/n`); `nil` runs them all.
    public var shard: Shard?

    public init(
        inputs: [String], outputDirectory: String? = nil, inPlace: Bool = false, parameters: [NotebookParameter] = [],
        settings: ExecutionSettings = ExecutionSettings(), check: Bool = false, jobs: Int = 1, logOutput: Bool = false,
        summaryPath: String? = nil, junitPath: String? = nil, htmlDirectory: String? = nil, shard: Shard? = nil
    ) {
        self.inputs = inputs
        self.outputDirectory = outputDirectory
        self.inPlace = inPlace
        self.parameters = parameters
        self.settings = settings
        self.check = check
        self.jobs = jobs
        self.logOutput = logOutput
        self.summaryPath = summaryPath
        self.junitPath = junitPath
        self.htmlDirectory = htmlDirectory
        self.shard = shard
    }
}
