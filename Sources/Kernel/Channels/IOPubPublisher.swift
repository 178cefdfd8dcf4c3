import JupyterProtocol
import NotebookJSON
import Synchronization

/// Publishes iopub messages from any thread, in the order they are handed over.
///
/// One thread owns the XPUB socket: it sends queued messages and answers each new subscription with an
/// `iopub_welcome` message (JEP 65), so a client knows when its subscription is live.
final class IOPubPublisher: @unchecked Sendable {
    private let socket: ZMQSocket
    private let codec: WireCodec
    private let factory: MessageFactory
    private let queue = Mutex<[JupyterMessage]>([])
    private let wake = WakePipe()
    private let stop: WakePipe
    private var thread: KernelThread?

    init(socket: ZMQSocket, codec: WireCodec, factory: MessageFactory, stop: WakePipe) {
        self.socket = socket
        self.codec = codec
        self.factory = factory
        self.stop = stop
    }

    func start() {
        thread = KernelThread(name: "iopub") { [self] in run() }
    }

    /// Queues a message of `type` whose parent is `parent`.
    ///
    /// A comm message (`comm_open`, `comm_msg`, `comm_close`) carries its metadata in the message's own
    /// `metadata`, where the Jupyter messaging spec puts it and the widget manager reads the widget protocol
    /// version: a content member `metadata` of such a message is moved there.
    func publish(_ type: String, _ content: JSONValue, parent: JupyterMessage?) {
        var body = content
        var metadata: JSONValue = [:]
        if type.hasPrefix("comm_"), case .object(var members) = content, let moved = members.removeValue(forKey: "metadata") {
            metadata = moved
            body = .object(members)
        }
        var message = factory.message(type, content: body, parent: parent, metadata: metadata, identities: [])
        message.identities = [Array("kernel.\(factory.session).\(type)".utf8)]
        queue.withLock { $0.append(message) }
        wake.signal()
    }

    func status(_ state: String, parent: JupyterMessage?) {
        publish("status", ["execution_state": .string(state)], parent: parent)
    }

    /// Waits until the thread has sent everything queued before the stop signal.
    func join() {
        thread?.join()
    }

    private func run() {
        defer { socket.close() }
        while true {
            let ready: [Bool]
            do {
                ready = try ZMQPoller.poll([.socket(socket), .descriptor(wake.readEnd), .descriptor(stop.readEnd)])
            } catch {
                return
            }
            if ready[0] { welcomeSubscribers() }
            if ready[1] || ready[2] {
                wake.drain()
                flush()
            }
            if ready[2] {
                flush()
                return
            }
        }
    }

    private func flush() {
        let pending = queue.withLock { queue in
            let taken = queue
            queue.removeAll()
            return taken
        }
        for message in pending {
            do {
                try socket.send(codec.encode(message))
            } catch {
                KernelLog.write("iopub: could not send \(message.messageType): \(error)")
            }
        }
    }

    private func welcomeSubscribers() {
        while let frames = try? socket.receive(wait: false) {
            for frame in frames where frame.first == 1 {
                let topic = Array(frame.dropFirst())
                var message = factory.message(
                    "iopub_welcome", content: ["subscription": .string(String(decoding: topic, as: UTF8.self))],
                    parent: nil)
                message.identities = topic.isEmpty ? [] : [topic]
                try? socket.send(codec.encode(message))
            }
        }
    }
}
