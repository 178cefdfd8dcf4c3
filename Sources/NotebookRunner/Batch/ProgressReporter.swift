import CellEngine
internal import SystemLibC
import Synchronization

/// Progress on standard error: one line per finished cell and notebook when standard error is not a
/// terminal (CI logs), a rewritten status line plus those lines when it is.
public final class ProgressReporter: Sendable {
    private struct State {
        var statusLineShown = false
    }

    private let state = Mutex(State())
    private let isTerminal: Bool
    private let enabled: Bool
    private let write: @Sendable (String) -> Void

    /// A reporter.
    /// - Parameters:
    ///   - enabled: `false` prints nothing (`--quiet`).
    ///   - isTerminal: whether to rewrite a status line; by default, whether standard error is a terminal.
    ///   - write: where text goes; standard error by default.
    public init(
        enabled: Bool = true, isTerminal: Bool = ProgressReporter.standardErrorIsTerminal,
        write: @escaping @Sendable (String) -> Void = ProgressReporter.writeToStandardError
    ) {
        self.enabled = enabled
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Whether standard error is a terminal (the default of `isTerminal`).
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// Prints a permanent line (clearing the status line first on a terminal).
    public func line(_ text: String) {
        guard enabled else { return }
        state.withLock { state in
            if state.statusLineShown {
                write("\r\u{1B}[K")
                state.statusLineShown = false
            }
            write(text + "\n")
        }
    }

    /// Shows a transient status (terminals only).
    public func status(_ text: String) {
        guard enabled, isTerminal else { return }
        state.withLock { state in
            write("\r\u{1B}[K" + text)
            state.statusLineShown = true
        }
    }

    /// Prints cell output for `--log-output`, each line prefixed with the notebook and cell.
    public func output(_ prefix: String, _ event: CellEvent) {
        let text: String
        switch event {
        case .stream(_, let chunk): text = chunk
        case .display(let output), .updateDisplay(let output): text = output.data["text/plain"] ?? ""
        case .clearOutput, .comm: return
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for outputLine in lines { line("\(prefix)| \(outputLine)") }
    }

    /// Writes text to file descriptor 2, unbuffered.
    public static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Formats seconds for progress lines: `0.42 s`, `12.3 s`.
    public static func format(_ duration: Duration) -> String {
        let s = duration.seconds
        let hundredths = Int((s * 100).rounded())
        if s < 10 {
            let fraction = String(hundredths % 100)
            return "\(hundredths / 100)." + String(repeating: "0", count: 2 - fraction.count) + fraction + " s"
        }
        let tenths = Int((s * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
