import Foundation
import Synchronization

/// Runs a helper program (Python, `jupyter`, an installed kernel binary) for `install` and `doctor`, with a
/// time limit, collecting standard output and error together.
enum ChildProcess {
    struct Result {
        var status: Int32
        var output: String
        var timedOut: Bool
    }

    /// The first executable `name` in the folders of `PATH` (`name` itself when it holds a `/`).
    static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for folder in (environment["PATH"] ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments`; kills it after `timeout` seconds.
    /// - Returns: the exit status (128 + signal when killed), the output, and whether it ran out of time;
    ///   `nil` when it could not be started.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60
    ) -> Result? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        do { try process.run() } catch { return nil }
        let collected = OutputBox()
        let reader = Thread {
            collected.set(pipe.fileHandleForReading.readDataToEndOfFile())
            collected.done.signal()
        }
        reader.start()
        var timedOut = false
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
        }
        // A grandchild holding the pipe open must not hold us either.
        _ = collected.done.wait(timeout: .now() + 5)
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Result(status: status, output: String(decoding: collected.get(), as: UTF8.self), timedOut: timedOut)
    }

    private final class OutputBox: Sendable {
        private let data = Mutex(Data())
        let done = DispatchSemaphore(value: 0)
        func set(_ value: Data) { data.withLock { $0 = value } }
        func get() -> Data { data.withLock { $0 } }
    }
}
