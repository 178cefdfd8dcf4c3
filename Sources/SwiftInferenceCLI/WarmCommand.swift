import ArgumentParser
import CellEngine
import Foundation
import NotebookRunner

internal import SystemLibC

/// `swift-inference warm [--cache DIR] NOTEBOOK…`: fills a shared, read-only build cache by running the
/// notebooks, so students' kernels find their cells compiled.
struct WarmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warm",
        abstract: "Pre-warm a shared build cache by running notebooks (run it after installing).",
        discussion: """
            Runs every code cell of the notebooks, as `execute` does, with DIR as the build cache, and \
            writes a manifest (each file's size and SHA-256) beside every compiled cell. Kernels read DIR \
            after their user's own cache when it is named in SWIFT_INFERENCE_SHARED_CACHE (the kernelspec's \
            env, or the environment), or when it is the installed layout's warm-cache folder (the default \
            here for an installed swift-inference). A kernel uses an entry only when it matches its \
            manifest, and DIR only when that user cannot write it; everything else is compiled into the \
            user's own cache. Several warm runs may fill one folder at once.

            Afterwards the folder is made readable by everyone and writable by its owner only. Exit code: \
            as `execute` (0 when every notebook ran); the cells that compiled are cached either way.
            """)

    @Argument(help: "Notebook files, or folders to search for .ipynb files.")
    var notebooks: [String] = []

    @Option(help: "The shared cache folder (default: SWIFT_INFERENCE_SHARED_CACHE, else <install>/warm-cache).")
    var cache: String?

    @Option(name: [.short, .long], help: "Notebooks to run at the same time.")
    var jobs = 1

    @Option(name: .customLong("cell-timeout"), help: "Time limit per cell, in seconds (default: none).")
    var cellTimeout: Double?

    @Flag(name: .shortAndLong, help: "Print no progress.")
    var quiet = false

    func validate() throws {
        guard !notebooks.isEmpty else { throw ValidationError("give at least one notebook or folder") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let cellTimeout, !(cellTimeout > 0) { throw ValidationError("--cell-timeout must be a positive number of seconds") }
        if cache == nil && EngineConfiguration.defaultWarmCache() == nil {
            throw ValidationError(
                "give --cache DIR: SWIFT_INFERENCE_SHARED_CACHE is not set and this swift-inference is not an installed one")
        }
    }

    func run() throws {
        // The compiler driver's scratch folders go to a folder of this run's own, not a shared /tmp.
        let temporary = PrivateTemporaryFolder.enter()
        defer { PrivateTemporaryFolder.leave(temporary) }
        let directory = cache ?? EngineConfiguration.defaultWarmCache()!
        // Readable by every student whatever this user's umask; writable by the owner only.
        umask(0o022)
        var engine: EngineConfiguration
        do {
            engine = try EngineLocator.configuration(cacheDirectory: directory)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(RunnerExitCode.engineUnavailable.rawValue)
        }
        do {
            try SharedCache.prepare(directory)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(RunnerExitCode.badInput.rawValue)
        }
        // Every entry lands here: no other layer is read, nothing is evicted.
        engine.sharedCacheDirectories = []
        engine.cacheLimit = nil
        let batch = BatchConfiguration(
            inputs: notebooks,
            settings: ExecutionSettings(
                cellTimeout: cellTimeout.map { .milliseconds(Int64($0 * 1000)) }, recordTiming: false,
                languageVersion: Toolchain.version(swiftc: engine.swiftc)),
            jobs: jobs)
        let warming = engine
        let runner = BatchRunner(configuration: batch, progress: ProgressReporter(enabled: !quiet)) { folder in
            var configuration = warming
            configuration.workingDirectory = folder
            return try CellSession(configuration: configuration)
        }
        let result = runner.run()
        SharedCache.makeReadOnlyForOthers(directory)
        let check = SharedCache.check(directory)
        for problem in check.problems {
            FileHandle.standardError.write(Data("warning: \(directory): \(problem)\n".utf8))
        }
        if !quiet {
            print(
                "warm cache \(directory): \(check.entries) compiled cells, \(check.bytes / 1_048_576) MiB. Kernels read it when "
                    + "SWIFT_INFERENCE_SHARED_CACHE=\(directory) is in the kernelspec's env or the environment"
                    + (directory == EngineConfiguration.defaultWarmCache(executable: nil) && ProcessInfo.processInfo.environment["SWIFT_INFERENCE_SHARED_CACHE"] == nil
                        ? " (or, as here, when it is the installed layout's warm-cache folder)." : "."))
        }
        if result.exitCode != .success { throw ExitCode(result.exitCode.rawValue) }
    }
}
