import CellEngine
import Foundation

/// Finds the engine's compiler, worker, support library and cache for the runner.
public enum EngineLocator {
    /// The engine configuration: the engine's own discovery, with the cache folder replaced when one is given.
    /// - Parameters:
    ///   - cacheDirectory: a build cache folder to use instead of the engine's default.
    /// - Returns: the configuration.
    /// - Throws: the engine's error saying what is missing.
    public static func configuration(cacheDirectory: String?) throws -> EngineConfiguration {
        var configuration = try discover()
        if let cacheDirectory { configuration.cacheDirectory = cacheDirectory }
        return configuration
    }

    /// The engine's own discovery (`EngineConfiguration.locate()`: `SWIFT_INFERENCE_HOME`, the installed
    /// layout, or the SwiftPM build folder the program runs from).
    static func discover() throws -> EngineConfiguration {
        try EngineConfiguration.locate()
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
