/// Where the engine finds the compiler, the worker, the support library and its cache.
public struct EngineConfiguration: Sendable, Hashable {
    /// The `swiftc` to compile cells with.
    public var swiftc: String
    /// The `swift-inference-worker` executable.
    public var worker: String
    /// A folder holding `libNotebookSupport.so`.
    public var supportDirectory: String
    /// A folder holding the `.swiftmodule`s cells import (`Inference`, `Figures`, `CellRuntime`).
    public var modulesDirectory: String
    /// The build cache folder (created when missing).
    public var cacheDirectory: String
    /// The folder cells run in (relative paths in a cell start here); `nil` keeps the caller's. Jupyter
    /// front ends start a kernel in the notebook's folder, and the runner does the same.
    public var workingDirectory: String?

    public init(
        swiftc: String, worker: String, supportDirectory: String, modulesDirectory: String? = nil,
        cacheDirectory: String, workingDirectory: String? = nil
    ) {
        self.swiftc = swiftc
        self.worker = worker
        self.supportDirectory = supportDirectory
        self.modulesDirectory = modulesDirectory ?? supportDirectory
        self.cacheDirectory = cacheDirectory
        self.workingDirectory = workingDirectory
    }

    /// The shared library every cell links against.
    public var supportLibrary: String { supportDirectory + "/libNotebookSupport.so" }
}
