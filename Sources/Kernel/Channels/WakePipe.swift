internal import SystemLibC

/// A pipe whose read end `zmq_poll` can watch: writing one byte wakes every poller.
final class WakePipe: @unchecked Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fatalError("pipe failed: \(errno)") }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    /// Makes the read end readable (idempotent while unread).
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }
}

/// Runs a closure on a new thread with a large stack; `join()` waits for it.
final class KernelThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Void

    /// - Parameters:
    ///   - name: for error messages.
    ///   - detached: a detached thread frees itself when done and cannot be joined.
    init(name: String, detached: Bool = false, _ body: @escaping @Sendable () -> Void) {
        self.body = body
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 16 << 20)
        let box = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(
            &thread, &attributes,
            { raw in
                let me = Unmanaged<KernelThread>.fromOpaque(raw!).takeRetainedValue()
                me.body()
                return nil
            }, box)
        pthread_attr_destroy(&attributes)
        if result != 0 { fatalError("pthread_create failed for \(name): \(result)") }
        if detached { pthread_detach(thread) }
    }

    func join() {
        pthread_join(thread, nil)
    }
}
