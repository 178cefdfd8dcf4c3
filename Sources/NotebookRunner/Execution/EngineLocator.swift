import CellEngine
import Foundation

/// Finds the engine's compiler, worker, support library and cache for the runner.
public enum EngineLocator {
    /// Why no engine configuration could be found.
    public struct NotFound: Error, CustomStringConvertible {
        public var detail: String
        public var description: String { "the cell engine was not found: \(detail)" }
    }

    /// The engine configuration: the engine's own discovery, with the cache folder replaced when one is given.
    /// - Parameters:
    ///   - cacheDirectory: a build cache folder to use instead of the engine's default.
    /// - Returns: the configuration.
    /// - Throws: `NotFound` (or the engine's own error) saying what is missing.
    public static func configuration(cacheDirectory: String?) throws -> EngineConfiguration {
        var configuration = try discover()
        if let cacheDirectory { configuration.cacheDirectory = cacheDirectory }
        return configuration
    }

    /// Looks next to the running executable for the worker and the support library, and on `PATH` (then
    /// the toolchain at `/opt/swift`) for `swiftc`.
    static func discover() throws -> EngineConfiguration {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let folder = executable.deletingLastPathComponent().path
        let worker = folder + "/swift-inference-worker"
        guard FileManager.default.isExecutableFile(atPath: worker) else {
            throw NotFound(detail: "no swift-inference-worker next to \(executable.path) (build it with `swift build`)")
        }
        var swiftc: String? = nil
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for entry in path.split(separator: ":").map(String.init) + ["/opt/swift/usr/bin"] {
            let candidate = entry + "/swiftc"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                swiftc = candidate
                break
            }
        }
        guard let swiftc else { throw NotFound(detail: "swiftc is not on PATH") }
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { $0 + "/swift-inference" }
            ?? NSHomeDirectory() + "/.cache/swift-inference"
        return EngineConfiguration(swiftc: swiftc, worker: worker, supportDirectory: folder, cacheDirectory: cache)
    }

    /// The Swift version `swiftc --version` reports (`6.3.1`), for `language_info.version`.
    /// - Parameters:
    ///   - swiftc: the compiler.
    /// - Returns: the version, or `nil` when it cannot be run or read.
    public static func swiftVersion(swiftc: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: swiftc)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let range = text.range(of: "Swift version ") else { return nil }
        let version = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return version.isEmpty ? nil : String(version)
    }
}
