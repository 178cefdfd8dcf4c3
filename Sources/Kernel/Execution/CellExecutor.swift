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
    /// Runs a comm message from the front end in the worker; see `CellSession.deliverComm`.
    func deliverComm(
        _ delivery: CommDelivery, timeout: Duration?, onEvent: @escaping @Sendable (CellEvent) -> Void
    ) -> Result<CellSuccess, CellFailure>
    /// The comms open now and the widgets' last state.
    var widgetStore: WidgetStateStore { get }
    /// Records a comm the front end opened (the widget control comm).
    func frontEndOpened(comm id: String, target: String)
    /// Forgets a comm the front end opened and has closed.
    func frontEndClosed(comm id: String)
}

extension CellExecutor {
    /// An engine without widgets: no comm is ever open.
    public func deliverComm(
        _ delivery: CommDelivery, timeout: Duration?, onEvent: @escaping @Sendable (CellEvent) -> Void
    ) -> Result<CellSuccess, CellFailure> {
        .failure(CellFailure(kind: .thrownError, name: "NoComms", message: "this engine has no comms", traceback: []))
    }
    public var widgetStore: WidgetStateStore { WidgetStateStore() }
    public func frontEndOpened(comm id: String, target: String) {}
    public func frontEndClosed(comm id: String) {}
}

extension CellSession: CellExecutor {}
