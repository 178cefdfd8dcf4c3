import CZeroMQ
import CellEngine
import Foundation
import JupyterProtocol
import Kernel
import NotebookJSON
import Synchronization
import Testing

/// A stand-in engine: `sleep N` waits N ms (until interrupted), `fail` throws, `say X` prints X,
/// `ask` reads a line, anything else evaluates to its own text.
final class FakeExecutor: CellExecutor, @unchecked Sendable {
    let interrupted = Atomic<Bool>(false)
    let ran = Mutex<[String]>([])

    func execute(
        _ code: String, options: ExecuteOptions, onEvent: @escaping @Sendable (CellEvent) -> Void,
        onInput: (@Sendable (InputRequest) -> String?)?
    ) -> Result<CellSuccess, CellFailure> {
        ran.withLock { $0.append(code) }
        interrupted.store(false, ordering: .sequentiallyConsistent)
        if code.hasPrefix("sleep ") {
            let deadline = Date().addingTimeInterval(Double(code.dropFirst(6))! / 1000)
            while Date() < deadline {
                if interrupted.load(ordering: .sequentiallyConsistent) {
                    return .failure(
                        CellFailure(kind: .interrupted, name: "Interrupted", message: "interrupted", traceback: []))
                }
                usleep(5_000)
            }
            return .success(CellSuccess(result: nil))
        }
        if code == "fail" {
            return .failure(
                CellFailure(kind: .thrownError, name: "Boom", message: "it broke", traceback: ["Boom: it broke"]))
        }
        if code.hasPrefix("say ") {
            onEvent(.stream(.stdout, String(code.dropFirst(4)) + "\n"))
            return .success(CellSuccess(result: nil))
        }
        if code == "ask" {
            let line = onInput?(InputRequest(prompt: "name? ", password: false))
            return .success(CellSuccess(result: DisplayOutput(data: ["text/plain": line ?? "<eof>"])))
        }
        return .success(CellSuccess(result: DisplayOutput(data: ["text/plain": code])))
    }

    func interrupt() { interrupted.store(true, ordering: .sequentiallyConsistent) }
    func restart() throws {}
    func shutdown() {}
    var declarations: [CellDeclaration] { [] }
}

/// A minimal Jupyter client over the package's own ZeroMQ wrapper.
final class TestClient: @unchecked Sendable {
    let context: ZMQContext
    let shell: ZMQSocket
    let control: ZMQSocket
    let stdin: ZMQSocket
    let iopub: ZMQSocket
    let heartbeat: ZMQSocket
    let codec: WireCodec
    let factory = MessageFactory(session: "client", username: "tester")

    init(_ info: ConnectionInfo) throws {
        context = try ZMQContext()
        codec = WireCodec(key: info.key)
        shell = try ZMQSocket(context: context, kind: .dealer)
        control = try ZMQSocket(context: context, kind: .dealer)
        stdin = try ZMQSocket(context: context, kind: .dealer)
        iopub = try ZMQSocket(context: context, kind: .sub)
        heartbeat = try ZMQSocket(context: context, kind: .req)
        let identity = Array("client-\(UUID().uuidString)".utf8)
        for socket in [shell, control, stdin, iopub, heartbeat] { try socket.setOption(ZMQ_LINGER, 0) }
        try shell.setOption(ZMQ_ROUTING_ID, bytes: identity)
        try stdin.setOption(ZMQ_ROUTING_ID, bytes: identity)
        try iopub.setOption(ZMQ_SUBSCRIBE, bytes: [])
        try shell.connect(info.endpoint(of: .shell))
        try control.connect(info.endpoint(of: .control))
        try stdin.connect(info.endpoint(of: .stdin))
        try iopub.connect(info.endpoint(of: .iopub))
        try heartbeat.connect(info.endpoint(of: .heartbeat))
    }

    func close() {
        for socket in [shell, control, stdin, iopub, heartbeat] { socket.close() }
        context.terminate()
    }

    @discardableResult
    func send(_ type: String, _ content: JSONValue, on socket: ZMQSocket) throws -> String {
        let message = factory.message(type, content: content, parent: nil)
        try socket.send(codec.encode(message))
        return message.messageID
    }

    func receive(_ socket: ZMQSocket, timeout: Int = 5000) throws -> JupyterMessage? {
        guard try ZMQPoller.poll([.socket(socket)], timeoutMilliseconds: timeout)[0],
            let frames = try socket.receive(wait: false)
        else { return nil }
        return try codec.decode(frames)
    }

    /// iopub messages whose parent is `id`, until its `idle` status.
    func iopubMessages(for id: String) throws -> [JupyterMessage] {
        var result: [JupyterMessage] = []
        while let message = try receive(iopub) {
            guard message.parentHeader["msg_id"]?.stringValue == id else { continue }
            result.append(message)
            if message.messageType == "status", message.content["execution_state"] == "idle" { return result }
        }
        return result
    }

    /// Waits until the iopub subscription is live (the kernel's `iopub_welcome`).
    func waitForWelcome() throws -> Bool {
        while let message = try receive(iopub) {
            if message.messageType == "iopub_welcome" { return true }
        }
        return false
    }
}

@Suite(.serialized) struct KernelLoopTests {
    static func start(key: String = "secret-key") throws -> (JupyterKernel, TestClient, FakeExecutor, KernelRunner) {
        let base = "/tmp/kernel-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        let info = ConnectionInfo(
            transport: .ipc, ip: base, shellPort: 1, iopubPort: 2, stdinPort: 3, controlPort: 4, heartbeatPort: 5,
            key: key)
        let executor = FakeExecutor()
        let kernel = try JupyterKernel(connection: info, setup: JupyterKernel.Setup(makeExecutor: { executor }))
        let runner = KernelRunner(kernel)
        let client = try TestClient(info)
        return (kernel, client, executor, runner)
    }

    static func stop(_ client: TestClient, _ runner: KernelRunner) throws {
        try client.send("shutdown_request", ["restart": false], on: client.control)
        let reply = try client.receive(client.control)
        #expect(reply?.messageType == "shutdown_reply")
        client.close()
        #expect(runner.waitForExit(seconds: 10))
    }

    @Test func answersKernelInfoAndWelcomesSubscribers() throws {
        let (_, client, _, runner) = try Self.start()
        #expect(try client.waitForWelcome())
        let id = try client.send("kernel_info_request", [:], on: client.shell)
        let reply = try #require(try client.receive(client.shell))
        #expect(reply.messageType == "kernel_info_reply")
        #expect(reply.parentHeader["msg_id"]?.stringValue == id)
        #expect(reply.content["language_info"]?["name"] == "swift")
        #expect(reply.content["language_info"]?["file_extension"] == ".swift")
        let statuses = try client.iopubMessages(for: id).map { $0.content["execution_state"]?.stringValue }
        #expect(statuses == ["busy", "idle"])
        try Self.stop(client, runner)
    }

    @Test func executesAndOrdersIopubMessages() throws {
        let (_, client, _, runner) = try Self.start()
        _ = try client.waitForWelcome()
        let id = try client.send("execute_request", ["code": "say hello", "silent": false], on: client.shell)
        let reply = try #require(try client.receive(client.shell))
        #expect(reply.content["status"] == "ok")
        #expect(reply.content["execution_count"] == 1)
        let types = try client.iopubMessages(for: id).map(\.messageType)
        #expect(types == ["status", "execute_input", "stream", "status"])
        try Self.stop(client, runner)
    }

    @Test func dropsForgedAndMalformedMessagesAndKeepsAnswering() throws {
        let (_, client, executor, runner) = try Self.start()
        _ = try client.waitForWelcome()
        let forged = WireCodec(key: "not the key").encode(
            client.factory.message("execute_request", content: ["code": "forged"], parent: nil))
        try client.shell.send(forged)
        try client.shell.send([Array("<IDS|MSG>".utf8), [1, 2]])
        try client.shell.send([[0xFF, 0xFE]])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let count = Int.random(in: 0...8, using: &generator)
            var frames = (0..<count).map { _ in
                (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator)
                }
            }
            if Bool.random(using: &generator), !frames.isEmpty { frames[0] = Array("<IDS|MSG>".utf8) }
            try client.shell.send(frames.isEmpty ? [[]] : frames)
        }
        try client.send("unknown_request", [:], on: client.shell)
        let unknown = try #require(try client.receive(client.shell))
        #expect(unknown.messageType == "unknown_reply")
        #expect(unknown.content["status"] == "error")
        try client.send("execute_request", ["code": "6 * 7"], on: client.shell)
        let reply = try #require(try client.receive(client.shell))
        #expect(reply.content["status"] == "ok")
        #expect(reply.content["execution_count"] == 1)
        #expect(executor.ran.withLock { $0 } == ["6 * 7"])
        try Self.stop(client, runner)
    }

    @Test func heartbeatAndControlAnswerWhileACellRuns() throws {
        let (_, client, _, runner) = try Self.start()
        _ = try client.waitForWelcome()
        let id = try client.send("execute_request", ["code": "sleep 3000"], on: client.shell)
        Thread.sleep(forTimeInterval: 0.2)
        for ping in 0..<3 {
            try client.heartbeat.send([Array("ping \(ping)".utf8)])
            #expect(try ZMQPoller.poll([.socket(client.heartbeat)], timeoutMilliseconds: 1000)[0])
            #expect(try client.heartbeat.receive() == [Array("ping \(ping)".utf8)])
        }
        try client.send("kernel_info_request", [:], on: client.control)
        #expect(try client.receive(client.control, timeout: 1000)?.messageType == "kernel_info_reply")
        try client.send("interrupt_request", [:], on: client.control)
        #expect(try client.receive(client.control, timeout: 1000)?.content["status"] == "ok")
        let reply = try #require(try client.receive(client.shell))
        #expect(reply.parentHeader["msg_id"]?.stringValue == id)
        #expect(reply.content["status"] == "error")
        #expect(reply.content["ename"] == "Interrupted")
        try Self.stop(client, runner)
    }

    @Test func stopOnErrorAbortsQueuedExecutes() throws {
        let (_, client, executor, runner) = try Self.start()
        _ = try client.waitForWelcome()
        try client.send("execute_request", ["code": "sleep 300"], on: client.shell)
        try client.send("execute_request", ["code": "fail"], on: client.shell)
        try client.send("execute_request", ["code": "queued 1"], on: client.shell)
        try client.send("execute_request", ["code": "queued 2"], on: client.shell)
        let statuses = try (0..<4).map { _ in try client.receive(client.shell)?.content["status"]?.stringValue }
        #expect(statuses == ["ok", "error", "aborted", "aborted"])
        try client.send("execute_request", ["code": "after"], on: client.shell)
        #expect(try client.receive(client.shell)?.content["status"] == "ok")
        #expect(executor.ran.withLock { $0 } == ["sleep 300", "fail", "after"])
        try Self.stop(client, runner)
    }

    @Test func asksForInputOnStdin() throws {
        let (_, client, _, runner) = try Self.start()
        _ = try client.waitForWelcome()
        try client.send("execute_request", ["code": "ask", "allow_stdin": true], on: client.shell)
        let request = try #require(try client.receive(client.stdin))
        #expect(request.messageType == "input_request")
        #expect(request.content["prompt"] == "name? ")
        try client.send("input_reply", ["value": "Ada"], on: client.stdin)
        #expect(try client.receive(client.shell)?.content["status"] == "ok")
        let id = try client.send("execute_request", ["code": "ask", "allow_stdin": false], on: client.shell)
        #expect(try client.receive(client.shell)?.content["status"] == "ok")
        let results = try client.iopubMessages(for: id).filter { $0.messageType == "execute_result" }
        #expect(results.first?.content["data"]?["text/plain"] == "<eof>")
        try Self.stop(client, runner)
    }

    @Test func historyRecordsStoredExecutions() throws {
        let (_, client, _, runner) = try Self.start(key: "")
        try client.send("execute_request", ["code": "first"], on: client.shell)
        _ = try client.receive(client.shell)
        try client.send("execute_request", ["code": "hidden", "store_history": false], on: client.shell)
        _ = try client.receive(client.shell)
        try client.send(
            "history_request", ["hist_access_type": "tail", "n": 5, "output": true, "raw": true], on: client.shell)
        let reply = try #require(try client.receive(client.shell))
        #expect(reply.content["history"] == [[1, 1, ["first", "first"]]])
        try client.send("comm_info_request", [:], on: client.shell)
        #expect(try client.receive(client.shell)?.content == ["status": "ok", "comms": [:]])
        try Self.stop(client, runner)
    }
}

/// Runs a kernel's `run()` on its own thread.
final class KernelRunner: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ kernel: JupyterKernel) {
        let done = self.done
        Thread.detachNewThread {
            kernel.run()
            done.signal()
        }
    }

    func waitForExit(seconds: Double) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }
}
