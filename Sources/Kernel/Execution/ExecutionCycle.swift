import CellEngine
import NotebookJSON

/// The execute-request life cycle as a state machine: what to publish, reply and record, in order.
///
/// The kernel feeds it a request, the cell's events and the cell's result; each call returns the
/// actions to perform. It never touches a socket, so the protocol's rules (execution counts, `silent`,
/// `store_history`, `stop_on_error` aborting queued requests) are tested without ZeroMQ.
public struct ExecutionCycle: Sendable {
    /// One execute request's parameters, read leniently from its content.
    public struct Request: Sendable, Hashable {
        public var code: String
        public var silent: Bool
        public var storeHistory: Bool
        public var stopOnError: Bool
        public var allowStdin: Bool
        public var userExpressions: [String: String]

        /// Reads an `execute_request` content; missing or mistyped fields take the protocol's defaults.
        public init(content: JSONValue) {
            code = content["code"]?.stringValue ?? ""
            silent = content["silent"]?.boolValue ?? false
            // `silent` forces `store_history` off.
            storeHistory = !silent && (content["store_history"]?.boolValue ?? true)
            stopOnError = content["stop_on_error"]?.boolValue ?? true
            allowStdin = content["allow_stdin"]?.boolValue ?? true
            var expressions: [String: String] = [:]
            for (key, value) in content["user_expressions"]?.objectValue ?? [:] {
                if let text = value.stringValue { expressions[key] = text }
            }
            userExpressions = expressions
        }
    }

    /// Something the kernel must do, in the order given.
    public enum Action: Sendable, Hashable {
        /// Publish a message of this type on iopub, its parent the request.
        case publish(String, JSONValue)
        /// Send the `execute_reply` with this content.
        case reply(JSONValue)
        /// Run the code (then call `finish`).
        case run(String)
        /// Store the input in history under this execution count.
        case recordInput(Int, String)
        /// Store the plain-text result in history.
        case recordOutput(Int, String)
    }

    public enum State: Sendable, Hashable {
        case idle
        case running(Request)
        /// A cell failed with `stop_on_error`: execute requests already queued are answered `aborted`.
        case aborting
    }

    public private(set) var state: State = .idle
    /// The count of the last execution that stored history (`In [n]`).
    public private(set) var executionCount = 0

    public init() {}

    /// A new execute request arrives.
    /// - Returns: `execute_input`, history and `run`; or, while aborting, an `aborted` reply.
    public mutating func start(_ request: Request) -> [Action] {
        switch state {
        case .aborting:
            return [.reply(["status": "aborted", "execution_count": .number(Double(executionCount))])]
        case .running:
            // The kernel runs one cell at a time; a second start while running is a caller bug.
            return [
                .reply(
                    Self.errorContent(name: "KernelBusy", message: "a cell is already running", count: executionCount))
            ]
        case .idle:
            break
        }
        if request.storeHistory { executionCount += 1 }
        state = .running(request)
        var actions: [Action] = []
        if !request.silent {
            actions.append(
                .publish(
                    "execute_input",
                    ["code": .string(request.code), "execution_count": .number(Double(executionCount))]))
        }
        if request.storeHistory { actions.append(.recordInput(executionCount, request.code)) }
        actions.append(.run(request.code))
        return actions
    }

    /// The iopub message for one output of the running cell; nothing when the request is silent.
    public func output(_ event: CellEvent) -> [Action] {
        guard case .running(let request) = state, !request.silent else { return [] }
        return [Self.message(for: event)]
    }

    /// The iopub message for a cell event.
    public static func message(for event: CellEvent) -> Action {
        switch event {
        case .stream(let name, let text):
            return .publish("stream", ["name": .string(name.rawValue), "text": .string(text)])
        case .display(let output):
            return .publish("display_data", bundle(output, count: nil))
        case .updateDisplay(let output):
            return .publish("update_display_data", bundle(output, count: nil))
        case .clearOutput(let wait):
            return .publish("clear_output", ["wait": .bool(wait)])
        case .comm(.open(let id, let target, let data, let metadata)):
            return .publish(
                "comm_open", ["comm_id": .string(id), "target_name": .string(target), "data": data, "metadata": metadata])
        case .comm(.message(let id, let data)):
            return .publish("comm_msg", ["comm_id": .string(id), "data": data])
        case .comm(.close(let id, let data)):
            return .publish("comm_close", ["comm_id": .string(id), "data": data])
        }
    }

    /// A MIME bundle as Jupyter sends it: JSON types (`application/json`, `…+json`, such as a widget's
    /// view) as JSON, the rest as text.
    static func jupyterData(_ data: [String: String]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (mime, content) in data {
            if mime == "application/json" || mime.hasSuffix("+json"), let parsed = try? JSONValue(parsing: Array(content.utf8)) {
                out[mime] = parsed
            } else {
                out[mime] = .string(content)
            }
        }
        return out
    }

    static func bundle(_ output: DisplayOutput, count: Int?) -> JSONValue {
        var content: JSONValue = [
            "data": .object(jupyterData(output.data)),
            "metadata": .object(output.metadata),
            "transient": output.displayID.map { ["display_id": .string($0)] } ?? [:],
        ]
        if let count { content["execution_count"] = .number(Double(count)) }
        return content
    }

    static func errorContent(name: String, message: String, traceback: [String] = [], count: Int) -> JSONValue {
        [
            "status": "error", "ename": .string(name), "evalue": .string(message),
            "traceback": .array((traceback.isEmpty ? ["\(name): \(message)"] : traceback).map(JSONValue.string)),
            "execution_count": .number(Double(count)), "user_expressions": [:], "payload": [],
        ]
    }

    /// The running cell finished.
    /// - Parameters:
    ///   - result: the engine's result.
    ///   - userExpressions: the evaluated `user_expressions`, already in reply form.
    /// - Returns: `execute_result` or `error`, history output, and the reply. After a failure with
    ///   `stop_on_error` the cycle is `aborting` until `queueDrained()`.
    ///   - payload: reply payloads, such as a pager page for a `?name` help request.
    public mutating func finish(
        _ result: Result<CellSuccess, CellFailure>, userExpressions: JSONValue = [:], payload: [JSONValue] = []
    ) -> [Action] {
        guard case .running(let request) = state else { return [] }
        var actions: [Action] = []
        switch result {
        case .success(let success):
            state = .idle
            if let value = success.result {
                if !request.silent {
                    actions.append(.publish("execute_result", Self.bundle(value, count: executionCount)))
                }
                if request.storeHistory, let text = value.data["text/plain"] {
                    actions.append(.recordOutput(executionCount, text))
                }
            }
            actions.append(
                .reply([
                    "status": "ok", "execution_count": .number(Double(executionCount)), "payload": .array(payload),
                    "user_expressions": userExpressions,
                ]))
        case .failure(let failure):
            state = request.stopOnError ? .aborting : .idle
            let traceback = failure.traceback.isEmpty ? ["\(failure.name): \(failure.message)"] : failure.traceback
            if !request.silent {
                actions.append(
                    .publish(
                        "error",
                        [
                            "ename": .string(failure.name), "evalue": .string(failure.message),
                            "traceback": .array(traceback.map(JSONValue.string)),
                        ]))
            }
            var reply = Self.errorContent(
                name: failure.name, message: failure.message, traceback: traceback, count: executionCount)
            reply["engine_info"] = ["kind": .string(failure.kind.rawValue)]
            actions.append(.reply(reply))
        }
        return actions
    }

    /// Every request queued when the cell failed has been answered; new requests run again.
    public mutating func queueDrained() {
        if state == .aborting { state = .idle }
    }
}
