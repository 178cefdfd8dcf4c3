import CZeroMQ
import CellEngine
import Glibc
import JupyterProtocol
import NotebookJSON
import Synchronization

/// A Jupyter kernel for Swift cells: binds the five channels of a connection file and answers the
/// messaging protocol (5.3) until a `shutdown_request`.
///
/// Threads: the caller's thread serves shell and runs cells (blocking); one thread serves control, so
/// `interrupt_request` and `shutdown_request` are answered while a cell runs; one echoes heartbeats;
/// one owns the iopub socket. The engine starts on a background thread, so `kernel_info` is answered
/// at once.
public final class JupyterKernel: @unchecked Sendable {
    /// Where the kernel finds its engine and library symbols.
    public struct Setup: Sendable {
        /// Makes the cell engine (called once, on a background thread).
        public var makeExecutor: @Sendable () throws -> CellExecutor
        /// Loads the library's public API for completion and inspection (on a background thread).
        public var loadLibrarySymbols: @Sendable () -> LibrarySymbolIndex
        /// The `swiftc` whose version `kernel_info` reports; `nil` reports the version that built the kernel.
        public var swiftc: String?

        public init(
            makeExecutor: @escaping @Sendable () throws -> CellExecutor,
            loadLibrarySymbols: @escaping @Sendable () -> LibrarySymbolIndex = { LibrarySymbolIndex() },
            swiftc: String? = nil
        ) {
            self.makeExecutor = makeExecutor
            self.loadLibrarySymbols = loadLibrarySymbols
            self.swiftc = swiftc
        }
    }

    private let connection: ConnectionInfo
    private let context: ZMQContext
    private let shell: ZMQSocket
    private let control: ZMQSocket
    private let stdin: ZMQSocket
    private let codec: WireCodec
    private let factory = MessageFactory()
    private let iopub: IOPubPublisher
    private let heartbeat: Heartbeat
    private let stop = WakePipe()
    private let iopubStop = WakePipe()

    private let executor: Eventually<Result<CellExecutor, KernelStartError>>
    private let library: Eventually<LibrarySymbolIndex>
    private let swiftVersion: Eventually<String>
    private let history = Mutex(ExecutionHistory())
    private let cellSymbols = Mutex<[SourceSymbol]>([])
    private let stdinLock = Mutex(0)
    private let interruptRequested = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    /// Owned by the shell thread.
    private var cycle = ExecutionCycle()
    /// Whether the shell thread is answering the requests queued behind a failed cell.
    private var draining = false

    struct KernelStartError: Error {
        var message: String
    }

    /// Binds every channel; nothing is answered until `run()`.
    /// - Parameters:
    ///   - connection: the connection file's contents.
    ///   - setup: how to make the engine and find library symbols.
    /// - Throws: `JupyterProtocolError` when a port cannot be bound.
    public init(connection: ConnectionInfo, setup: Setup) throws(JupyterProtocolError) {
        self.connection = connection
        codec = WireCodec(key: connection.key)
        context = try ZMQContext()
        shell = try ZMQSocket(context: context, kind: .router)
        control = try ZMQSocket(context: context, kind: .router)
        stdin = try ZMQSocket(context: context, kind: .router)
        let iopubSocket = try ZMQSocket(context: context, kind: .xpub)
        let heartbeatSocket = try ZMQSocket(context: context, kind: .rep)
        for socket in [shell, control, stdin, iopubSocket, heartbeatSocket] {
            try socket.setOption(ZMQ_LINGER, 1000)
        }
        try iopubSocket.setOption(ZMQ_XPUB_VERBOSE, 1)
        try shell.bind(connection.endpoint(of: .shell))
        try control.bind(connection.endpoint(of: .control))
        try stdin.bind(connection.endpoint(of: .stdin))
        try iopubSocket.bind(connection.endpoint(of: .iopub))
        try heartbeatSocket.bind(connection.endpoint(of: .heartbeat))
        iopub = IOPubPublisher(socket: iopubSocket, codec: codec, factory: factory, stop: iopubStop)
        heartbeat = Heartbeat(socket: heartbeatSocket, stop: stop)
        let makeExecutor = setup.makeExecutor
        executor = Eventually(name: "engine") {
            do { return .success(try makeExecutor()) } catch { return .failure(KernelStartError(message: "\(error)")) }
        }
        library = Eventually(name: "symbols", setup.loadLibrarySymbols)
        let swiftc = setup.swiftc
        swiftVersion = Eventually(name: "version") {
            swiftc.flatMap(KernelInfo.toolchainVersion) ?? KernelInfo.builtWith
        }
    }

    /// Serves requests until a `shutdown_request`, then closes every socket and stops the engine.
    public func run() {
        iopub.start()
        heartbeat.start()
        iopub.status("starting", parent: nil)
        let controlThread = KernelThread(name: "control") { [self] in serve(control, channel: .control) }
        serve(shell, channel: .shell)
        controlThread.join()
        heartbeat.join()
        iopubStop.signal()
        iopub.join()
        if case .success(let engine)? = executor.value(waitingAtMost: 5) { engine.shutdown() }
        shell.close()
        control.close()
        stdin.close()
        context.terminate()
    }

    /// Interrupts the running cell (and a pending input request), as `interrupt_request` and SIGINT do.
    public func interrupt() {
        interruptRequested.store(true, ordering: .sequentiallyConsistent)
        if case .success(let engine)? = executor.ifReady { engine.interrupt() }
    }

    // MARK: Serving a channel

    private func serve(_ socket: ZMQSocket, channel: JupyterChannel) {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            guard let ready = try? ZMQPoller.poll([.socket(socket), .descriptor(stop.readEnd)]) else { return }
            if ready[1] { return }
            guard ready[0] else { continue }
            while let frames = try? socket.receive(wait: false) {
                handle(frames, socket: socket, channel: channel)
                if stopping.load(ordering: .sequentiallyConsistent) { return }
            }
        }
    }

    private func handle(_ frames: [[UInt8]], socket: ZMQSocket, channel: JupyterChannel) {
        let message: JupyterMessage
        do {
            message = try codec.decode(frames)
        } catch {
            KernelLog.write("\(channel.rawValue): dropped a message: \(error)")
            return
        }
        let type = message.messageType
        iopub.status("busy", parent: message)
        var shutdown = false
        switch type {
        case "kernel_info_request":
            let version = swiftVersion.value(waitingAtMost: 0.5) ?? KernelInfo.builtWith
            reply(message, KernelInfo.content(swiftVersion: version), on: socket)
        case "execute_request":
            if channel == .shell {
                execute(message)
            } else {
                reply(
                    message,
                    ExecutionCycle.errorContent(
                        name: "WrongChannel", message: "execute_request belongs on the shell channel",
                        count: cycle.executionCount), on: socket)
            }
        case "is_complete_request":
            let verdict = CodeCompleteness(checking: message.content["code"]?.stringValue ?? "")
            var content: JSONValue = ["status": .string(verdict.status)]
            if case .incomplete(let indent) = verdict { content["indent"] = .string(indent) }
            reply(message, content, on: socket)
        case "complete_request":
            reply(
                message,
                assistant().completeReply(
                    code: message.content["code"]?.stringValue ?? "",
                    cursorPosition: message.content["cursor_pos"]?.intValue), on: socket)
        case "inspect_request":
            reply(
                message,
                assistant().inspectReply(
                    code: message.content["code"]?.stringValue ?? "",
                    cursorPosition: message.content["cursor_pos"]?.intValue), on: socket)
        case "history_request":
            reply(message, history.withLock { $0.reply(to: message.content) }, on: socket)
        case "comm_info_request":
            reply(message, ["status": "ok", "comms": [:]], on: socket)
        case "comm_open":
            // No comm targets exist: close it at once, as the protocol asks.
            iopub.publish("comm_close", ["comm_id": message.content["comm_id"] ?? "", "data": [:]], parent: message)
        case "comm_msg", "comm_close":
            break
        case "connect_request":
            reply(
                message,
                [
                    "status": "ok", "shell_port": .number(Double(connection.shellPort)),
                    "iopub_port": .number(Double(connection.iopubPort)),
                    "stdin_port": .number(Double(connection.stdinPort)),
                    "control_port": .number(Double(connection.controlPort)),
                    "hb_port": .number(Double(connection.heartbeatPort)),
                ], on: socket)
        case "interrupt_request":
            interrupt()
            reply(message, ["status": "ok"], on: socket)
        case "shutdown_request":
            let restart = message.content["restart"]?.boolValue ?? false
            interrupt()
            let content: JSONValue = ["status": "ok", "restart": .bool(restart)]
            reply(message, content, on: socket)
            iopub.publish("shutdown_reply", content, parent: message)
            shutdown = true
        default:
            KernelLog.write("\(channel.rawValue): unknown message type '\(type)'")
            if type.hasSuffix("_request") {
                let replyType = String(type.dropLast("_request".count)) + "_reply"
                send(
                    factory.message(
                        replyType,
                        content: [
                            "status": "error", "ename": "UnknownMessageType",
                            "evalue": .string("this kernel does not handle '\(type)'"), "traceback": [],
                        ], parent: message), on: socket)
            }
        }
        iopub.status("idle", parent: message)
        if shutdown {
            stopping.store(true, ordering: .sequentiallyConsistent)
            stop.signal()
        }
    }

    private func reply(_ request: JupyterMessage, _ content: JSONValue, on socket: ZMQSocket) {
        let type =
            request.messageType.hasSuffix("_request")
            ? String(request.messageType.dropLast("_request".count)) + "_reply" : request.messageType + "_reply"
        send(factory.message(type, content: content, parent: request), on: socket)
    }

    private func send(_ message: JupyterMessage, on socket: ZMQSocket) {
        do {
            try socket.send(codec.encode(message))
        } catch {
            KernelLog.write("could not send \(message.messageType): \(error)")
        }
    }

    private func assistant() -> CodeAssistant {
        let declarations: [CellDeclaration]
        if case .success(let engine)? = executor.ifReady {
            declarations = engine.declarations
        } else {
            declarations = []
        }
        return CodeAssistant(
            declarations: declarations, cellSymbols: cellSymbols.withLock { $0 },
            library: library.value(waitingAtMost: 2) ?? LibrarySymbolIndex())
    }

    // MARK: Executing

    private func execute(_ message: JupyterMessage) {
        let request = ExecutionCycle.Request(content: message.content)
        perform(cycle.start(request), for: message, request: request)
        if cycle.state == .aborting && !draining {
            draining = true
            defer { draining = false }
            // Answer every execute request queued when the cell failed with `aborted`, then run again.
            // The queue is taken first, so a request sent after an `aborted` reply arrived runs normally.
            var queued: [[[UInt8]]] = []
            while let frames = try? shell.receive(wait: false) { queued.append(frames) }
            for frames in queued { handle(frames, socket: shell, channel: .shell) }
            cycle.queueDrained()
        }
    }

    private func perform(
        _ actions: [ExecutionCycle.Action], for message: JupyterMessage, request: ExecutionCycle.Request
    ) {
        for action in actions {
            switch action {
            case .publish(let type, let content):
                iopub.publish(type, content, parent: message)
            case .reply(let content):
                reply(message, content, on: shell)
            case .recordInput(let line, let code):
                history.withLock { $0.record(line: line, input: code) }
            case .recordOutput(let line, let text):
                history.withLock { $0.recordOutput(line: line, output: text) }
            case .run(let code):
                if let topic = HelpQuery.topic(of: code) {
                    // `?name` or `name?`: the signature and documentation, shown in the front end's pager.
                    let found = assistant().inspectReply(code: topic, cursorPosition: nil)
                    let text = found["data"]?["text/plain"]?.stringValue ?? "No documentation found for '\(topic)'."
                    let page: JSONValue = ["source": "page", "data": ["text/plain": .string(text)], "start": 0]
                    perform(
                        cycle.finish(.success(CellSuccess(result: nil)), payload: [page]), for: message,
                        request: request)
                    continue
                }
                let (result, expressions) = run(code, request: request, message: message)
                perform(cycle.finish(result, userExpressions: expressions), for: message, request: request)
            }
        }
    }

    private func run(_ code: String, request: ExecutionCycle.Request, message: JupyterMessage)
        -> (Result<CellSuccess, CellFailure>, JSONValue)
    {
        let engine: CellExecutor
        switch executor.value {
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
        interruptRequested.store(false, ordering: .sequentiallyConsistent)
        let snapshot = cycle
        let iopub = self.iopub
        let onInput: (@Sendable (InputRequest) -> String?)? =
            request.allowStdin ? { @Sendable [self] input in requestInput(input, parent: message) } : nil
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
        cellSymbols.withLock { $0.append(contentsOf: symbols) }
        var expressions: [String: JSONValue] = [:]
        for (name, expression) in request.userExpressions.sorted(by: { $0.key < $1.key }) {
            switch engine.execute(expression, options: ExecuteOptions(), onEvent: { _ in }, onInput: nil) {
            case .success(let value):
                let data = value.result?.data ?? ["text/plain": ""]
                expressions[name] = [
                    "status": "ok", "data": .object(data.mapValues(JSONValue.string)),
                    "metadata": .object(value.result?.metadata ?? [:]),
                ]
            case .failure(let failure):
                expressions[name] = [
                    "status": "error", "ename": .string(failure.name), "evalue": .string(failure.message),
                    "traceback": .array(failure.traceback.map(JSONValue.string)),
                ]
            }
        }
        return (result, .object(expressions))
    }

    /// Asks the front end for a line on the stdin channel; `nil` when interrupted or shutting down.
    private func requestInput(_ input: InputRequest, parent: JupyterMessage) -> String? {
        stdinLock.withLock { _ in
            var request = factory.message(
                "input_request", content: ["prompt": .string(input.prompt), "password": .bool(input.password)],
                parent: parent)
            request.identities = parent.identities
            send(request, on: stdin)
            while !interruptRequested.load(ordering: .sequentiallyConsistent),
                !stopping.load(ordering: .sequentiallyConsistent)
            {
                guard
                    let ready = try? ZMQPoller.poll(
                        [.socket(stdin), .descriptor(stop.readEnd)], timeoutMilliseconds: 100)
                else { return nil }
                if ready[1] { return nil }
                guard ready[0], let frames = try? stdin.receive(wait: false) else { continue }
                guard let reply = try? codec.decode(frames) else {
                    KernelLog.write("stdin: dropped a message that is not a valid reply")
                    continue
                }
                if reply.messageType == "input_reply" {
                    return reply.content["value"]?.stringValue ?? ""
                }
            }
            return nil
        }
    }
}
