import CZeroMQ
import CellEngine
internal import SystemLibC
import JupyterProtocol
import NotebookJSON
import Synchronization

/// A Jupyter kernel for Swift cells: binds the five channels of a connection file and answers the
/// messaging protocol (5.3) until a `shutdown_request`.
///
/// The kernel owns the sockets and routes each request, by its type, to one handler (`Handlers/`), all
/// registered at the end of `init`; an unknown type is logged and, for a `…_request`, answered with an
/// error reply.
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

    private let session: KernelSession
    private let interruptRequested = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let stdinLock = Mutex(0)
    /// Message type → the handler that answers it; filled once, at the end of `init`.
    private var routes: [String: any RequestHandler] = [:]

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
        session = KernelSession(
            executor: Eventually(name: "engine") {
                do { return .success(try makeExecutor()) } catch { return .failure(KernelStartError(message: "\(error)")) }
            },
            library: Eventually(name: "symbols", setup.loadLibrarySymbols))
        let swiftc = setup.swiftc
        let swiftVersion = Eventually(name: "version") {
            swiftc.flatMap(KernelInfo.toolchainVersion) ?? KernelInfo.builtWith
        }
        routes = RequestRoutes.table([
            ExecuteHandler(
                session: session,
                hooks: ExecuteHandler.Hooks(
                    answerQueuedShellRequests: { [unowned self] in self.answerQueuedShellRequests() },
                    askForInput: { [unowned self] input, parent in self.requestInput(input, parent: parent) },
                    clearInterrupt: { [unowned self] in self.interruptRequested.store(false, ordering: .sequentiallyConsistent) })),
            AssistHandler(session: session),
            HistoryHandler(session: session),
            InfoHandler(swiftVersion: swiftVersion, connection: connection),
            CommHandler(session: session),
            ControlHandler(interrupt: { [unowned self] in self.interrupt() }),
        ])
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
        if case .success(let engine)? = session.executor.value(waitingAtMost: .seconds(5)) { engine.shutdown() }
        shell.close()
        control.close()
        stdin.close()
        context.terminate()
    }

    /// Interrupts the running cell (and a pending input request), as `interrupt_request` and SIGINT do.
    public func interrupt() {
        interruptRequested.store(true, ordering: .sequentiallyConsistent)
        session.readyEngine?.interrupt()
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

    /// Decodes one message and routes it to its handler.
    private func handle(_ frames: [[UInt8]], socket: ZMQSocket, channel: JupyterChannel) {
        let message: JupyterMessage
        do {
            message = try codec.decode(frames)
        } catch {
            KernelLog.write("\(channel.rawValue): dropped a message: \(error)")
            return
        }
        let request = IncomingRequest(
            message: message, channel: channel, send: { [unowned self] in self.send($0, on: socket) }, factory: factory,
            iopub: iopub)
        iopub.status("busy", parent: message)
        var verdict = RequestVerdict.done
        if let handler = routes[message.messageType] {
            verdict = handler.handle(request)
        } else {
            RequestRoutes.answerUnknown(request)
        }
        iopub.status("idle", parent: message)
        if case .shutDown = verdict {
            stopping.store(true, ordering: .sequentiallyConsistent)
            stop.signal()
        }
    }

    /// Answers every request already queued on shell, in order (the queue is taken first).
    private func answerQueuedShellRequests() {
        var queued: [[[UInt8]]] = []
        while let frames = try? shell.receive(wait: false) { queued.append(frames) }
        for frames in queued { handle(frames, socket: shell, channel: .shell) }
    }

    private func send(_ message: JupyterMessage, on socket: ZMQSocket) {
        do {
            try socket.send(codec.encode(message))
        } catch {
            KernelLog.write("could not send \(message.messageType): \(error)")
        }
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
