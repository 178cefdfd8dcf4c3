/// A notebook's execution state: cells run in order, each seeing what earlier successful cells declared.
///
/// `execute` blocks the calling thread until the cell finishes; `interrupt()` may be called from any
/// other thread. UNDER CONSTRUCTION: the API below is fixed, the implementation is being written.
public final class CellSession: @unchecked Sendable {
    public let configuration: EngineConfiguration

    /// Starts a worker process for the session.
    public init(configuration: EngineConfiguration) throws {
        self.configuration = configuration
    }

    /// Compiles and runs one cell.
    ///
    /// - Parameters:
    ///   - code: the cell's Swift source.
    ///   - options: a time limit, if any.
    ///   - onEvent: called, in order, for every output while the cell runs (on an engine thread).
    ///   - onInput: called when the cell asks for a line of input; return `nil` for end of input (as when
    ///     the front end does not allow stdin).
    /// - Returns: the cell's result, or why it failed.
    public func execute(
        _ code: String,
        options: ExecuteOptions = ExecuteOptions(),
        onEvent: @escaping @Sendable (CellEvent) -> Void,
        onInput: (@Sendable (InputRequest) -> String?)? = nil
    ) -> Result<CellSuccess, CellFailure> {
        fatalError("CellSession.execute is under construction")
    }

    /// Stops the running cell, if any; safe to call from any thread at any time.
    public func interrupt() {}

    /// Forgets every cell and starts a fresh worker.
    public func restart() throws {}

    /// Stops the worker. The session cannot be used afterwards.
    public func shutdown() {}

    /// Top-level names declared by the successful cells so far, newest last.
    public var declarations: [CellDeclaration] { [] }
}

/// Where the engine finds the compiler, the worker, the support library and its cache.
public struct EngineConfiguration: Sendable, Hashable {
    /// The `swiftc` to compile cells with.
    public var swiftc: String
    /// The `swift-inference-worker` executable.
    public var worker: String
    /// A folder holding `libNotebookSupport.so` and the `.swiftmodule`s cells import.
    public var supportDirectory: String
    /// The build cache folder (created when missing).
    public var cacheDirectory: String

    public init(swiftc: String, worker: String, supportDirectory: String, cacheDirectory: String) {
        self.swiftc = swiftc
        self.worker = worker
        self.supportDirectory = supportDirectory
        self.cacheDirectory = cacheDirectory
    }
}
