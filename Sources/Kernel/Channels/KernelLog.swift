internal import SystemLibC

/// The kernel's log: one line per event on standard error, which Jupyter servers show in their own log.
enum KernelLog {
    static func write(_ line: String) {
        let bytes = Array("[swift-inference kernel] \(line)\n".utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
