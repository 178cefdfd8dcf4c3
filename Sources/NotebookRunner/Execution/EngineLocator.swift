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
}
