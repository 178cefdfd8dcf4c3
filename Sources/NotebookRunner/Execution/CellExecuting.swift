import NotebookJSON
import CellEngine

/// What the runner needs from an engine: run a cell, stop it, stop for good.
///
/// `CellSession` is the real one; tests drive the runner with scripted engines.
public protocol CellExecuting: AnyObject, Sendable {
    /// Compiles and runs one cell, blocking until it finishes; see `CellSession.execute`.
    func execute(
        _ code: String,
        options: ExecuteOptions,
        onEvent: @escaping @Sendable (CellEvent) -> Void,
        onInput: (@Sendable (InputRequest) -> String?)?
    ) -> Result<CellSuccess, CellFailure>

    /// Stops the running cell, if any.
    func interrupt()

    /// Stops the worker; the engine is not used afterwards.
    func shutdown()

    /// The widgets' state for the notebook's metadata (`application/vnd.jupyter.widget-state+json`), `nil`
    /// when no widget is open.
    var widgetMetadata: JSONValue? { get }
}

extension CellExecuting {
    public var widgetMetadata: JSONValue? { nil }
}

extension CellSession: CellExecuting {
    public var widgetMetadata: JSONValue? { widgetStore.notebookMetadata }
}

/// Makes a fresh engine for one notebook, whose cells run in the given folder (the notebook's own, as a
/// Jupyter front end would start the kernel there), so a notebook reads `../data/x.csv` the same way in
/// JupyterLab and in the runner.
public typealias CellEngineFactory = @Sendable (_ workingDirectory: String) throws -> any CellExecuting
