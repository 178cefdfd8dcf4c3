import CellEngine

/// What the kernel needs from a cell engine; `CellSession` is the real one, tests use a fake.
public protocol CellExecutor: AnyObject, Sendable {
    /// Compiles and runs one cell; see `CellSession.execute`.
    func execute(
        _ code: String, options: ExecuteOptions, onEvent: @escaping @Sendable (CellEvent) -> Void,
        onInput: (@Sendable (InputRequest) -> String?)?
    ) -> Result<CellSuccess, CellFailure>
    /// Stops the running cell, if any; called from other threads.
    func interrupt()
    /// Forgets every cell.
    func restart() throws
    /// Stops the engine for good.
    func shutdown()
    /// Names that earlier cells declared.
    var declarations: [CellDeclaration] { get }
}

extension CellSession: CellExecutor {}
