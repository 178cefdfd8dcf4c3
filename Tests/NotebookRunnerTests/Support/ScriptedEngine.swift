import CellEngine
import NotebookJSON
import NotebookRunner
import Synchronization

/// A stand-in engine whose cells are scripts, one command per line, so that every runner path can be
/// tested without compiling Swift:
///
/// - `out: TEXT` / `err: TEXT`: a line on stdout / stderr
/// - `display: ID TEXT` (ID `-` for none), `update: ID TEXT`: display_data and its update
/// - `svg: MARKUP`: a display with `image/svg+xml`
/// - `clear` / `clear-wait`: clear output now / before the next output
/// - `result: TEXT`: the cell's value (execute_result)
/// - `compile-error`, `throw: MESSAGE`, `crash`: the three failures a cell can cause
/// - `hang`: runs until its time limit (a time-out at once when it has one)
/// Any other line (Swift declarations, comments) does nothing.
final class ScriptedEngine: CellExecuting {
    struct Log {
        var sources: [String] = []
        var timeouts: [Duration?] = []
        var shutDown = false
    }

    let log = Mutex(Log())

    var sources: [String] { log.withLock { $0.sources } }
    var timeouts: [Duration?] { log.withLock { $0.timeouts } }
    var shutDown: Bool { log.withLock { $0.shutDown } }

    func execute(
        _ code: String, options: ExecuteOptions, onEvent: @escaping @Sendable (CellEvent) -> Void,
        onInput: (@Sendable (InputRequest) -> String?)?
    ) -> Result<CellSuccess, CellFailure> {
        log.withLock {
            $0.sources.append(code)
            $0.timeouts.append(options.timeout)
        }
        var result: DisplayOutput? = nil
        for line in code.split(separator: "\n").map(String.init) {
            let (command, argument) = Self.split(line)
            switch command {
            case "out": onEvent(.stream(.stdout, argument + "\n"))
            case "err": onEvent(.stream(.stderr, argument + "\n"))
            case "display", "update":
                let (id, text) = Self.split(argument, separator: " ")
                let output = DisplayOutput(data: ["text/plain": text], displayID: id == "-" ? nil : id)
                onEvent(command == "display" ? .display(output) : .updateDisplay(output))
            case "svg":
                onEvent(.display(DisplayOutput(data: ["text/plain": "<chart>", "image/svg+xml": argument])))
            case "clear": onEvent(.clearOutput(wait: false))
            case "clear-wait": onEvent(.clearOutput(wait: true))
            case "result": result = DisplayOutput(data: ["text/plain": argument])
            case "compile-error":
                return .failure(
                    CellFailure(
                        kind: .compileError, name: "CompileError", message: "cannot find 'x' in scope",
                        traceback: ["cell:1:1: error: cannot find 'x' in scope"]))
            case "throw":
                return .failure(
                    CellFailure(
                        kind: .thrownError, name: "InferenceError", message: argument,
                        traceback: ["InferenceError: \(argument)"]))
            case "crash":
                return .failure(
                    CellFailure(
                        kind: .crash, name: "Fatal error", message: "Index out of range",
                        traceback: ["Fatal error: Index out of range"]))
            case "hang":
                return .failure(
                    CellFailure(
                        kind: .timedOut, name: "Timeout", message: "the cell ran longer than its time limit",
                        traceback: ["Timeout"]))
            default: continue
            }
        }
        return .success(CellSuccess(result: result))
    }

    func interrupt() {}

    func shutdown() { log.withLock { $0.shutDown = true } }

    static func split(_ line: String, separator: Character = ":") -> (String, String) {
        guard let index = line.firstIndex(of: separator) else { return (line.trimmingCharacters(), "") }
        let head = String(line[..<index]).trimmingCharacters()
        var tail = line[line.index(after: index)...]
        if tail.first == " " { tail = tail.dropFirst() }
        return (head, String(tail))
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}

/// Notebooks for tests.
enum Make {
    static func code(_ id: String, _ source: String, tags: [String] = [], metadata: [String: JSONValue] = [:]) -> Cell {
        var cell = Cell(id: id, kind: .code, source: source, metadata: metadata)
        cell.tags = tags
        return cell
    }

    static func markdown(_ id: String, _ source: String) -> Cell {
        Cell(id: id, kind: .markdown, source: source)
    }

    static func notebook(_ cells: [Cell]) -> Notebook {
        Notebook(
            cells: cells,
            metadata: [
                "kernelspec": ["name": "swift-inference", "display_name": "Swift (Inference)", "language": "swift"]
            ])
    }
}

/// A value shared with escaping closures (progress writers, engine factories), behind a lock.
final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        storage.withLock { body(&$0) }
    }
}
