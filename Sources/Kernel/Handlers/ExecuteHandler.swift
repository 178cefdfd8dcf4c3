import CellEngine
import JupyterProtocol
import NotebookJSON

/// `execute_request`: runs cells through the engine, in the order and with the replies the protocol asks
/// for (`ExecutionCycle` decides them; this class carries them out).
///
/// Only the shell thread calls it, so the cycle needs no lock.
final class ExecuteHandler: RequestHandler, @unchecked Sendable {
    let messageTypes = ["execute_request"]
    private let session: KernelSession
    private let hooks: Hooks
    private var cycle = ExecutionCycle()
    /// Whether the requests queued behind a failed cell are being answered.
    private var draining = false

    /// What the handler needs of the kernel's sockets.
    struct Hooks {
        /// Answers every request already queued on shell (a failed cell's followers get `aborted`).
        var answerQueuedShellRequests: () -> Void
        /// Asks the front end for a line on stdin; `nil` when interrupted or shutting down.
        var askForInput: @Sendable (InputRequest, JupyterMessage) -> String?
        /// Clears the interrupt flag of the previous cell.
        var clearInterrupt: () -> Void
    }

    init(session: KernelSession, hooks: Hooks) {
        self.session = session
        self.hooks = hooks
    }

    func handle(_ request: IncomingRequest) -> RequestVerdict {
        guard request.channel == .shell else {
            request.reply(
                ExecutionCycle.errorContent(
                    name: "WrongChannel", message: "execute_request belongs on the shell channel", count: cycle.executionCount))
            return .done
        }
        let cell = ExecutionCycle.Request(content: request.content)
        perform(cycle.start(cell), for: request, cell: cell)
        if cycle.state == .aborting && !draining {
            draining = true
            defer { draining = false }
            // Answer every execute request queued when the cell failed with `aborted`, then run again.
            // The queue is taken first, so a request sent after an `aborted` reply arrived runs normally.
            hooks.answerQueuedShellRequests()
            cycle.queueDrained()
        }
        return .done
    }

    private func perform(_ actions: [ExecutionCycle.Action], for request: IncomingRequest, cell: ExecutionCycle.Request) {
        for action in actions {
            switch action {
            case .publish(let type, let content):
                request.publish(type, content)
            case .reply(let content):
                request.reply(content)
            case .recordInput(let line, let code):
                session.history.withLock { $0.record(line: line, input: code) }
            case .recordOutput(let line, let text):
                session.history.withLock { $0.recordOutput(line: line, output: text) }
            case .run(let code):
                if let topic = HelpQuery.topic(of: code) {
                    // `?name` or `name?`: the signature and documentation, shown in the front end's pager.
                    let found = session.assistant().inspectReply(code: topic, cursorPosition: nil)
                    let text = found["data"]?["text/plain"]?.stringValue ?? "No documentation found for '\(topic)'."
                    let page: JSONValue = ["source": "page", "data": ["text/plain": .string(text)], "start": 0]
                    perform(cycle.finish(.success(CellSuccess(result: nil)), payload: [page]), for: request, cell: cell)
                    continue
                }
                let (result, expressions) = run(code, cell: cell, request: request)
                perform(cycle.finish(result, userExpressions: expressions), for: request, cell: cell)
            }
        }
    }

    private func run(_ code: String, cell: ExecutionCycle.Request, request: IncomingRequest)
        -> (Result<CellSuccess, CellFailure>, JSONValue)
    {
        let engine: CellExecutor
        switch session.executor.value {
        case .success(let ready):
            engine = ready
        case .failure(let error):
            return (
                .failure(
                    CellFailure(
                        kind: .crash, name: "KernelError", message: "the cell engine did not start: \(error.message)",
                        traceback: [])), [:]
            )
        }
        hooks.clearInterrupt()
        let snapshot = cycle
        let iopub = request.iopub
        let message = request.message
        let askForInput = hooks.askForInput
        let onInput: (@Sendable (InputRequest) -> String?)? =
            cell.allowStdin ? { @Sendable input in askForInput(input, message) } : nil
        let result = engine.execute(
            code, options: ExecuteOptions(),
            onEvent: { event in
                for case .publish(let type, let content) in snapshot.output(event) {
                    iopub.publish(type, content, parent: message)
                }
            },
            onInput: onInput)
        guard case .success = result else { return (result, [:]) }
        let symbols = SourceSymbol.scan(code)
        session.cellSymbols.withLock { $0.append(contentsOf: symbols) }
        return (result, userExpressions(cell.userExpressions, engine: engine))
    }

    /// The values of the request's `user_expressions`, each run as a cell of its own.
    private func userExpressions(_ expressions: [String: String], engine: CellExecutor) -> JSONValue {
        var values: [String: JSONValue] = [:]
        for (name, expression) in expressions.sorted(by: { $0.key < $1.key }) {
            switch engine.execute(expression, options: ExecuteOptions(), onEvent: { _ in }, onInput: nil) {
            case .success(let value):
                let data = value.result?.data ?? ["text/plain": ""]
                values[name] = [
                    "status": "ok", "data": .object(data.mapValues(JSONValue.string)),
                    "metadata": .object(value.result?.metadata ?? [:]),
                ]
            case .failure(let failure):
                values[name] = [
                    "status": "error", "ename": .string(failure.name), "evalue": .string(failure.message),
                    "traceback": .array(failure.traceback.map(JSONValue.string)),
                ]
            }
        }
        return .object(values)
    }
}
