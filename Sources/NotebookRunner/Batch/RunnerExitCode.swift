/// The exit codes of `swift-inference execute`, one per way a run can end.
///
/// | code | meaning |
/// | ---: | --- |
/// | 0 | every notebook ran (allowed failures included) and, with `--check`, reproduced its outputs |
/// | 1 | a cell failed: compile error or thrown error |
/// | 2 | a cell ran past its time limit or the notebook's (or was interrupted) |
/// | 3 | a cell crashed the worker process (trap, fatal error, signal) |
/// | 4 | bad input: a file that is not a Swift nbformat 4 notebook, a bad `-p` value, an unwritable output |
/// | 5 | `--check`: executed outputs differ from the stored ones |
/// | 6 | the engine could not start (compiler, worker or support library not found) |
/// | 64 | command-line usage error |
///
/// With several notebooks, the code is that of the first failing notebook in command-line order.
public enum RunnerExitCode: Int32, Sendable, Hashable, CaseIterable {
    case success = 0
    case cellError = 1
    case timeout = 2
    case workerDied = 3
    case badInput = 4
    case outputMismatch = 5
    case engineUnavailable = 6
    case usage = 64

    /// One line on what the code means, for `--help` and reports.
    public var meaning: String {
        switch self {
        case .success: "success: every notebook ran and, with --check, reproduced its outputs"
        case .cellError: "a cell failed (compile error or thrown error)"
        case .timeout: "a cell exceeded its time limit or the notebook's (or was interrupted)"
        case .workerDied: "a cell crashed the worker process (trap, fatal error or signal)"
        case .badInput: "bad input: bad notebook file, bad parameter or unwritable output"
        case .outputMismatch: "--check: executed outputs differ from the stored outputs"
        case .engineUnavailable: "the cell engine could not start (swiftc, worker or library missing)"
        case .usage: "command-line usage error"
        }
    }

    /// The table of codes as plain text, for `--help`.
    public static var table: String {
        allCases.map { code in
            let number = String(code.rawValue)
            return String(repeating: " ", count: 3 - number.count) + number + "  " + code.meaning
        }.joined(separator: "\n")
    }
}
