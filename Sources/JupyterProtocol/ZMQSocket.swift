import CZeroMQ
internal import SystemLibC

/// A ZeroMQ context: owns the I/O threads of every socket made from it.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Creates a context.
    /// - Throws: `JupyterProtocolError` of kind `.socket` when libzmq cannot make one.
    public init() throws(JupyterProtocolError) {
        guard let handle = zmq_ctx_new() else { throw .zmq("zmq_ctx_new") }
        self.handle = handle
    }

    /// Makes blocking calls on this context's sockets return `.terminated`; sockets must still be closed.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    /// Waits until every socket is closed and its lingering messages are sent, then frees the context.
    public func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}

/// One ZeroMQ socket. Like libzmq sockets, it must be used by one thread at a time.
public final class ZMQSocket: @unchecked Sendable {
    /// The socket types the kernel and its tests use.
    public enum Kind: Int32, Sendable {
        case pair = 0
        case pub = 1
        case sub = 2
        case req = 3
        case rep = 4
        case dealer = 5
        case router = 6
        case pull = 7
        case push = 8
        case
            xpub = 9
        case xsub = 10
    }

    let handle: UnsafeMutableRawPointer
    private var closed = false

    /// Creates a socket of `kind` in `context`.
    /// - Throws: `JupyterProtocolError` of kind `.socket`.
    public init(context: ZMQContext, kind: Kind) throws(JupyterProtocolError) {
        guard let handle = zmq_socket(context.handle, kind.rawValue) else { throw .zmq("zmq_socket") }
        self.handle = handle
    }

    deinit { close() }

    /// Closes the socket; messages still queued are sent for up to the linger period.
    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    /// Binds to an endpoint such as `tcp://127.0.0.1:5555` or `ipc:///tmp/kernel-1`.
    /// - Throws: `JupyterProtocolError` of kind `.socket` naming the endpoint.
    public func bind(_ endpoint: String) throws(JupyterProtocolError) {
        guard zmq_bind(handle, endpoint) == 0 else { throw .zmq("bind \(endpoint)") }
    }

    /// Connects to an endpoint.
    /// - Throws: `JupyterProtocolError` of kind `.socket` naming the endpoint.
    public func connect(_ endpoint: String) throws(JupyterProtocolError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw .zmq("connect \(endpoint)") }
    }

    /// Sets an integer socket option (`ZMQ_LINGER`, `ZMQ_SNDHWM`, …).
    /// - Throws: `JupyterProtocolError` of kind `.socket`.
    public func setOption(_ option: Int32, _ value: Int32) throws(JupyterProtocolError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw .zmq("setsockopt \(option)")
        }
    }

    /// Sets a bytes socket option (`ZMQ_SUBSCRIBE`, `ZMQ_IDENTITY`, …).
    /// - Throws: `JupyterProtocolError` of kind `.socket`.
    public func setOption(_ option: Int32, bytes: [UInt8]) throws(JupyterProtocolError) {
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw .zmq("setsockopt \(option)") }
    }

    /// The endpoint the socket was last bound to (useful after binding to port `*`).
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        _ = zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends the frames as one multipart message, waiting while the socket's queue is full.
    /// - Throws: `JupyterProtocolError` of kind `.socket` or `.terminated`.
    public func send(_ frames: [[UInt8]]) throws(JupyterProtocolError) {
        for (i, frame) in frames.enumerated() {
            let flags: Int32 = i == frames.count - 1 ? 0 : ZMQ_SNDMORE
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if sent >= 0 { break }
                let code = zmq_errno()
                if code == EINTR { continue }
                throw JupyterProtocolError.zmq("send", code: code)
            }
        }
    }

    /// Receives one multipart message.
    /// - Parameter wait: when `false`, returns `nil` at once if no message is waiting.
    /// - Returns: the frames, or `nil` when `wait` is false and nothing was waiting.
    /// - Throws: `JupyterProtocolError` of kind `.socket` or `.terminated`.
    public func receive(wait: Bool = true) throws(JupyterProtocolError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        while true {
            let flags: Int32 = (wait || !frames.isEmpty) ? 0 : ZMQ_DONTWAIT
            let size = zmq_msg_recv(&message, handle, flags)
            if size < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && frames.isEmpty { return nil }
                throw JupyterProtocolError.zmq("receive", code: code)
            }
            let data = zmq_msg_data(&message)
            if let data, size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: Int(size))))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }
}

/// What `ZMQPoller.poll` waits on: a socket, or a plain file descriptor (a wake-up pipe).
public enum ZMQPollItem {
    case socket(ZMQSocket)
    case descriptor(Int32)
}

/// Waits until any of several sockets or descriptors is readable.
public enum ZMQPoller {
    /// Polls for readability.
    /// - Parameters:
    ///   - items: the sockets and descriptors to watch.
    ///   - timeoutMilliseconds: `-1` waits for ever.
    /// - Returns: one flag per item, `true` when it is readable; all `false` on timeout or a signal.
    /// - Throws: `JupyterProtocolError` of kind `.terminated` when the context was shut down.
    public static func poll(_ items: [ZMQPollItem], timeoutMilliseconds: Int = -1) throws(JupyterProtocolError)
        -> [Bool]
    {
        var raw = items.map { item -> zmq_pollitem_t in
            switch item {
            case .socket(let socket):
                return zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
            case .descriptor(let fd):
                return zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)
            }
        }
        let count = zmq_poll(&raw, Int32(raw.count), timeoutMilliseconds)
        if count < 0 {
            let code = zmq_errno()
            if code == EINTR { return Array(repeating: false, count: items.count) }
            throw JupyterProtocolError.zmq("poll", code: code)
        }
        return raw.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}

extension JupyterProtocolError {
    static func zmq(_ operation: String, code: Int32 = zmq_errno()) -> JupyterProtocolError {
        let text = String(cString: zmq_strerror(code))
        if code == ETERM { return JupyterProtocolError(.terminated, "\(operation): \(text)") }
        return JupyterProtocolError(.socket, "\(operation): \(text)")
    }
}
