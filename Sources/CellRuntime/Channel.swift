import Synchronization
internal import WorkerProtocol

internal import SystemLibC

/// The link from a running cell back to the engine.
///
/// The worker's standard output is a pipe the engine reads. Structured events (displays, the cell's
/// result, input requests) travel in the same pipe as `WorkerFrame`s in their envelope, so that they stay
/// in order with the text the cell prints. Outside a worker (no nonce in `SWIFT_INFERENCE_CHANNEL`),
/// displays fall back to printing their plain text.
enum Channel {
    static let nonce: String? = {
        guard let raw = getenv("SWIFT_INFERENCE_CHANNEL") else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }()

    /// The file descriptor the engine writes replies to input requests on.
    static let replyDescriptor: Int32 = {
        guard let raw = getenv("SWIFT_INFERENCE_REPLY_FD"), let fd = Int32(String(cString: raw)) else { return -1 }
        return fd
    }()

    /// Keeps frames from several threads whole.
    static let lock = Mutex(())

    static var isConnected: Bool { nonce != nil }

    /// Sends one frame. Flushes buffered standard output and error first, so the frame lands after
    /// everything the cell printed before it.
    static func send(_ event: WorkerFrame) {
        guard let nonce else { return }
        let frame = event.envelope(nonce: nonce)
        lock.withLock { _ in
            fflush(nil)
            writeAll(frame)
        }
    }

    /// Writes all of `frame` to standard output.
    private static func writeAll(_ frame: [UInt8]) {
        frame.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // A cell may have made standard output non-blocking: wait until the pipe has room
                    // instead of dropping the frame.
                    if errno == EAGAIN || errno == EWOULDBLOCK {
                        var ready = pollfd(fd: 1, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&ready, 1, 1000)
                        continue
                    }
                    return
                }
                offset += written
            }
        }
    }

    /// Asks the front end for a line of input and waits for the answer; `nil` means end of input.
    static func requestInput(prompt: String, password: Bool) -> String? {
        guard isConnected, replyDescriptor >= 0 else { return nil }
        send(.input(prompt: prompt, password: password))
        // The reply is "<byte count>\n<bytes>", or "-1\n" for end of input.
        var header: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(replyDescriptor, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            if byte == UInt8(ascii: "\n") { break }
            header.append(byte)
        }
        guard let count = Int(String(decoding: header, as: UTF8.self)), count >= 0 else { return nil }
        var body = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = body.withUnsafeMutableBytes { read(replyDescriptor, $0.baseAddress! + filled, count - filled) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        return String(decoding: body[0..<filled], as: UTF8.self)
    }
}
