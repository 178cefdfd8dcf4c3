import ArgumentParser
import CellEngine
import Foundation
import NotebookRunner

/// `swift-inference execute`: runs notebooks headlessly for CI.
struct ExecuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Execute Swift notebooks headlessly and write the executed copies and reports.",
        discussion: """
            Runs every code cell of each notebook in order on a fresh Swift worker, stopping at the first \
            failing cell (cells tagged 'raises-exception' may fail), and writes the executed notebook \
            (nbformat 4.5) to the output folder, atomically. The input is never overwritten unless --inplace \
            is given. Cell timing is recorded in each cell's metadata.execution, as nbclient records it.

            Parameters: -p NAME VALUE (or -p NAME=VALUE) injects a cell tagged 'injected-parameters' after the \
            cell tagged 'parameters', redeclaring NAME with a typed Swift literal: 42 (Int), 0.5 (Double), \
            true (Bool), [1, 2] (array), anything else a String; a name declared in the parameters cell keeps \
            its declared type. Write negative numbers as -p NAME=-1.

            Cell time limits: --cell-timeout, overridden per cell by metadata "timeout": SECONDS or a tag \
            'timeout=SECONDS' ('timeout=none' for no limit). --check compares re-executed outputs with the \
            stored ones (cells tagged 'check-ignore-output' or 'nbval-ignore-output' are not compared).

            Sharding: --shard k/n runs the k-th of n slices of the notebooks, for n CI machines: the notebooks \
            are sorted by their path relative to the current folder and the i-th (from 0) goes to shard \
            i mod n + 1, whatever the order they are given in. --reports DIR writes DIR/summary.json, \
            DIR/junit.xml and DIR/html/, which `swift-inference merge-reports` combines.

            Exit codes:
            \(RunnerExitCode.table)
            With several notebooks, the code is that of the first failing notebook in command-line order.
            """
    )

    @Argument(help: "Notebook files, or folders to search for .ipynb files.")
    var notebooks: [String] = []

    @Option(
        name: [.short, .customLong("output-dir")],
        help: "Folder for executed notebooks (default: executed, or none with --check).")
    var outputDir: String?

    @Flag(help: "Overwrite each input notebook with its executed version.")
    var inplace = false

    @Option(
        name: [.customShort("p"), .customLong("parameter")], parsing: .upToNextOption,
        help: ArgumentHelp("A parameter: -p NAME VALUE or -p NAME=VALUE (repeatable).", valueName: "name value"))
    var parameters: [String] = []

    @Option(name: .customLong("cell-timeout"), help: "Default time limit per cell, in seconds (default: none).")
    var cellTimeout: Double?

    @Option(name: .customLong("timeout"), help: "Time limit per notebook, in seconds (default: none).")
    var notebookTimeout: Double?

    @Flag(name: .customLong("allow-errors"), help: "Keep executing after a failing cell (time-outs still stop).")
    var allowErrors = false

    @Flag(help: "Re-execute and compare with the stored outputs; exit 5 with a diff when they differ.")
    var check = false

    @Option(name: [.short, .long], help: "Notebooks to run at the same time, one worker each.")
    var jobs = 1

    @Flag(name: .customLong("log-output"), help: "Print cell output on standard error as it arrives.")
    var logOutput = false

    @Option(help: "Write a JSON summary of the run to this file.")
    var summary: String?

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Write a self-contained HTML page per executed notebook to this folder.")
    var html: String?

    @Flag(name: .customLong("no-timing"), help: "Do not record timestamps in cell metadata.")
    var noTiming = false

    @Flag(name: .shortAndLong, help: "Print no progress.")
    var quiet = false

    @Option(name: .customLong("cache-dir"), help: "The engine's build cache folder (default: the engine's own).")
    var cacheDir: String?

    @Option(help: ArgumentHelp("Run only the k-th of n slices of the notebooks (see above).", valueName: "k/n"))
    var shard: String?

    @Option(help: "Write summary.json, junit.xml and html/ into this folder (for merge-reports).")
    var reports: String?

    func validate() throws {
        guard !notebooks.isEmpty else { throw ValidationError("give at least one notebook or folder") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if inplace && outputDir != nil { throw ValidationError("--inplace and --output-dir exclude each other") }
        if let shard {
            do {
                _ = try Shard(parsing: shard)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if reports != nil && (summary != nil || junit != nil || html != nil) {
            throw ValidationError("--reports writes the summary, JUnit and HTML reports itself: leave out --summary, --junit and --html")
        }
        for (name, value) in [("--cell-timeout", cellTimeout), ("--timeout", notebookTimeout)] {
            if let value, !(value > 0) { throw ValidationError("\(name) must be a positive number of seconds") }
        }
    }

    func run() throws {
        // The compiler driver's scratch folders go to a folder of this run's own, not a shared /tmp.
        let temporary = PrivateTemporaryFolder.enter()
        defer { PrivateTemporaryFolder.leave(temporary) }
        let parsedParameters: [NotebookParameter]
        do {
            parsedParameters = try NotebookParameter.parse(parameters)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(RunnerExitCode.badInput.rawValue)
        }
        let located = Result { try EngineLocator.configuration(cacheDirectory: cacheDir) }
        let languageVersion = (try? located.get()).flatMap { Toolchain.version(swiftc: $0.swiftc) }
        let settings = ExecutionSettings(
            cellTimeout: cellTimeout.map { .milliseconds(Int64($0 * 1000)) },
            notebookTimeout: notebookTimeout.map { .milliseconds(Int64($0 * 1000)) },
            allowErrors: allowErrors,
            recordTiming: !noTiming,
            languageVersion: languageVersion)
        let configuration = BatchConfiguration(
            inputs: notebooks,
            outputDirectory: inplace ? nil : (outputDir ?? (check ? nil : "executed")),
            inPlace: inplace,
            parameters: parsedParameters,
            settings: settings,
            check: check,
            jobs: jobs,
            logOutput: logOutput,
            summaryPath: reports.map { $0 + "/" + ReportMerge.summaryName } ?? summary,
            junitPath: reports.map { $0 + "/" + ReportMerge.junitName } ?? junit,
            htmlDirectory: reports.map { $0 + "/" + ReportMerge.htmlName } ?? html,
            shard: try shard.map { try Shard(parsing: $0) })
        let runner = BatchRunner(configuration: configuration, progress: ProgressReporter(enabled: !quiet)) { folder in
            var engine = try located.get()
            engine.workingDirectory = folder
            return try CellSession(configuration: engine)
        }
        let result = runner.run()
        if result.exitCode != .success {
            throw ExitCode(result.exitCode.rawValue)
        }
    }
}
