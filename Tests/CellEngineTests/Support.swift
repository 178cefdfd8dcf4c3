import CellEngine
import Foundation
import Testing

/// Collects what a cell produced.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [CellEvent] = []

    var events: [CellEvent] { lock.withLock { _events } }

    func record(_ event: CellEvent) { lock.withLock { _events.append(event) } }

    var stdout: String {
        events.compactMap { if case .stream(.stdout, let t) = $0 { return t } else { return nil } }.joined()
    }

    var stderr: String {
        events.compactMap { if case .stream(.stderr, let t) = $0 { return t } else { return nil } }.joined()
    }
}

/// A session on the build folder the tests run from, with a cache of its own.
func makeSession(cache: String? = nil) throws -> CellSession {
    try CellSession(configuration: testConfiguration(cache: cache))
}

/// The engine configuration of the build folder the tests run from.
func testConfiguration(cache: String? = nil) throws -> EngineConfiguration {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var buildFolder = bundle.deletingLastPathComponent()
    // The test bundle is `.build/<config>/<name>.xctest` (a file on Linux); be tolerant of nesting.
    while !FileManager.default.fileExists(atPath: buildFolder.path + "/libNotebookSupport.so"), buildFolder.path != "/" {
        buildFolder = buildFolder.deletingLastPathComponent()
    }
    var configuration = try EngineConfiguration.locate(executable: buildFolder.path + "/swift-inference-worker")
    configuration.cacheDirectory = cache ?? FileManager.default.temporaryDirectory
        .appendingPathComponent("swift-inference-tests-\(getpid())").path
    return configuration
}

extension CellSession {
    /// Runs a cell and returns its outcome and what it produced.
    func run(_ code: String, timeout: Duration? = nil, input: String?? = .none) -> (Result<CellSuccess, CellFailure>, Recorder) {
        let recorder = Recorder()
        var reader: (@Sendable (InputRequest) -> String?)? = nil
        if case .some(let line) = input { reader = { _ in line } }
        let result = execute(
            code, options: ExecuteOptions(timeout: timeout), onEvent: { recorder.record($0) }, onInput: reader)
        return (result, recorder)
    }

    /// The plain-text result of a cell that must succeed.
    func value(_ code: String) -> String? {
        let (result, _) = run(code)
        switch result {
        case .success(let success): return success.result?.data["text/plain"]
        case .failure(let failure): Issue.record("cell failed: \(failure.traceback.joined(separator: "\n"))"); return nil
        }
    }
}

/// A value shared between the test and an engine callback.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Runs `action` after `seconds` on a thread of its own.
///
/// Not a `Task` or Dispatch's global queue: on Linux both run on the same pool, one thread per core, that
/// Swift Testing runs the tests on. On two cores, two tests that each block a pool thread until their
/// action runs (an interrupt, a kill) left the actions no thread, and waited forever.
func onOwnThread(after seconds: Double, _ action: @escaping @Sendable () -> Void) {
    Thread {
        Thread.sleep(forTimeInterval: seconds)
        action()
    }.start()
}
