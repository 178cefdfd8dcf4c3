import JupyterProtocol

/// Echoes heartbeat pings on their own thread, so they are answered while a cell runs.
final class Heartbeat: @unchecked Sendable {
    private let socket: ZMQSocket
    private let stop: WakePipe
    private var thread: KernelThread?

    init(socket: ZMQSocket, stop: WakePipe) {
        self.socket = socket
        self.stop = stop
    }

    func start() {
        thread = KernelThread(name: "heartbeat") { [self] in run() }
    }

    func join() { thread?.join() }

    private func run() {
        defer { socket.close() }
        while true {
            guard let ready = try? ZMQPoller.poll([.socket(socket), .descriptor(stop.readEnd)]) else { return }
            if ready[1] { return }
            if ready[0] {
                guard let frames = try? socket.receive(wait: false) else { continue }
                try? socket.send(frames)
            }
        }
    }
}
