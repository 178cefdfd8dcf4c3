import Foundation
import NotebookJSON
import Synchronization

/// Runs a batch of notebooks: validates every input first (nothing is written when one is bad), then
/// executes them `jobs` at a time, one engine each, writing executed notebooks, HTML exports and reports.
public struct BatchRunner: Sendable {
    /// What to do.
    public var configuration: BatchConfiguration
    /// Makes an engine per notebook.
    public var makeEngine: CellEngineFactory
    /// Where progress goes.
    public var progress: ProgressReporter

    /// A runner.
    /// - Parameters:
    ///   - configuration: inputs, outputs and options.
    ///   - progress: the progress reporter.
    ///   - makeEngine: makes a fresh engine for each notebook.
    public init(
        configuration: BatchConfiguration, progress: ProgressReporter = ProgressReporter(),
        makeEngine: @escaping CellEngineFactory
    ) {
        self.configuration = configuration
        self.progress = progress
        self.makeEngine = makeEngine
    }

    /// A notebook that passed validation, with where its results go.
    struct Job: Sendable {
        var input: String
        var stored: Notebook
        var prepared: Notebook
        var output: String?
        var html: String?
    }

    /// Runs the batch.
    /// - Returns: the results; `exitCode` is the process exit code.
    public func run() -> BatchResult {
        let clock = ContinuousClock()
        let start = clock.now
        let (jobs, errors) = prepare()
        if !errors.isEmpty {
            for error in errors { progress.line("error: \(error.description)") }
            return BatchResult(notebooks: [], duration: clock.now - start, inputErrors: errors, shard: configuration.shard)
        }
        let results = Mutex([NotebookResult?](repeating: nil, count: jobs.count))
        let next = Mutex(0)
        let workers = max(1, min(configuration.jobs, jobs.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            let thread = Thread {
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < jobs.count else { break }
                    let result = execute(jobs[index], position: index + 1, of: jobs.count)
                    results.withLock { $0[index] = result }
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        var result = BatchResult(
            notebooks: results.withLock { $0.map { $0! } }, duration: clock.now - start, shard: configuration.shard)
        writeReports(&result)
        let failed = result.notebooks.filter { $0.outcome != .succeeded }.count
        progress.line(
            "\(jobs.count - failed) of \(jobs.count) notebook\(jobs.count == 1 ? "" : "s") succeeded in "
                + ProgressReporter.format(result.duration) + "; exit code \(result.exitCode.rawValue) ("
                + result.exitCode.meaning + ")")
        return result
    }

    /// Reads, validates and parameterises every input and checks every output location, writing nothing.
    func prepare() -> ([Job], [NotebookError]) {
        let (all, expandErrors) = FileSystem.expandNotebookPaths(configuration.inputs)
        var errors = expandErrors
        if all.isEmpty && errors.isEmpty {
            errors.append(NotebookError(.badOptions, "no notebook given"))
        }
        let files = configuration.shard.map { $0.select(all) } ?? all
        if let shard = configuration.shard {
            progress.line("shard \(shard): \(files.count) of \(all.count) notebook\(all.count == 1 ? "" : "s")")
        }
        var jobs: [Job] = []
        var outputs: [String: String] = [:]
        for file in files {
            do throws(NotebookError) {
                let stored = try Notebook(jsonBytes: try FileSystem.read(file), file: file)
                do {
                    try stored.checkLanguage()
                } catch {
                    throw error.inFile(file)
                }
                var prepared = stored
                let undeclared: [String]
                do {
                    undeclared = try prepared.injectParameters(configuration.parameters)
                } catch {
                    throw error.inFile(file)
                }
                if !undeclared.isEmpty {
                    let noun = undeclared.count == 1 ? "parameter" : "parameters"
                    progress.line(
                        "warning: \(file): \(noun) \(undeclared.joined(separator: ", ")) not declared in a cell tagged 'parameters'"
                    )
                }
                var output: String? = nil
                if configuration.inPlace {
                    output = file
                } else if let folder = configuration.outputDirectory {
                    output = folder + "/" + FileSystem.baseName(file)
                }
                if let target = output {
                    let key = FileSystem.standardized(target)
                    if let other = outputs[key] {
                        throw NotebookError(
                            .badOptions, file: file, "would write the same output file as \(other) (\(target))")
                    }
                    if !configuration.inPlace && key == FileSystem.standardized(file) {
                        throw NotebookError(
                            .badOptions, file: file, "output would overwrite the input; use --inplace to do that")
                    }
                    outputs[key] = file
                }
                let html = configuration.htmlDirectory.map { folder in
                    var name = FileSystem.baseName(file)
                    if name.hasSuffix(".ipynb") { name = String(name.dropLast(6)) }
                    return folder + "/" + name + ".html"
                }
                jobs.append(Job(input: file, stored: stored, prepared: prepared, output: output, html: html))
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else { return ([], errors) }
        var folders: [String] = []
        if !configuration.inPlace, let folder = configuration.outputDirectory { folders.append(folder) }
        if let folder = configuration.htmlDirectory { folders.append(folder) }
        if let path = configuration.summaryPath { folders.append(FileSystem.folder(of: path)) }
        if let path = configuration.junitPath { folders.append(FileSystem.folder(of: path)) }
        if configuration.inPlace { folders.append(contentsOf: files.map { FileSystem.folder(of: $0) }) }
        for folder in Set(folders).sorted() {
            do {
                try FileSystem.prepareWritableFolder(folder)
            } catch {
                errors.append(error)
            }
        }
        return errors.isEmpty ? (jobs, []) : ([], errors)
    }

    func execute(_ job: Job, position: Int, of total: Int) -> NotebookResult {
        let name = job.input
        let label = total > 1 ? "[\(position)/\(total)] \(name)" : name
        let engine: any CellExecuting
        do {
            engine = try makeEngine(FileSystem.absoluteFolder(of: job.input))
        } catch {
            let message = "the cell engine could not start: \(error)"
            progress.line("\(label): \(message)")
            return NotebookResult(input: name, outcome: .engineUnavailable, message: message)
        }
        defer { engine.shutdown() }
        progress.line("\(label): started")
        let clock = ContinuousClock()
        let notebookStart = clock.now
        let reporter = progress
        let logOutput = configuration.logOutput
        let observer = ExecutionObserver(
            cellStarted: { index, number, count in
                reporter.status(
                    "\(label): cell \(number)/\(count) running… (\(ProgressReporter.format(clock.now - notebookStart)))"
                )
            },
            cellFinished: { record, count in
                guard record.status != .notRun else { return }
                let number = "cell \(record.index) [\(record.id)]"
                let verdict: String
                switch record.status {
                case .succeeded: verdict = "ok"
                case .empty: verdict = "empty, skipped"
                case .allowedFailure: verdict = "failed as allowed (\(record.failure?.name ?? "error"))"
                case .failed: verdict = "FAILED: \(record.failure?.name ?? "error"): \(record.failure?.message ?? "")"
                case .notRun: verdict = ""
                }
                reporter.line(
                    "\(label): \(number) \(verdict) in \(ProgressReporter.format(record.duration)), elapsed \(ProgressReporter.format(clock.now - notebookStart))"
                )
            },
            event: { index, event in
                if logOutput { reporter.output("\(name)[\(index)]", event) }
            })
        let executor = NotebookExecutor(settings: configuration.settings)
        let run = executor.run(job.prepared, on: engine, observer: observer)
        var result = NotebookResult(input: name, outcome: run.outcome, run: run)
        if let stop = run.stoppingCell, let failure = stop.failure {
            let limit = stop.notebookLimitReached ? " (notebook time limit)" : ""
            result.message = "cell \(stop.index) [\(stop.id)]: \(failure.name): \(failure.message)\(limit)"
        }
        if configuration.check {
            result.mismatches = NotebookComparison.mismatches(stored: job.stored, executed: run.notebook)
            if !result.mismatches.isEmpty {
                if result.outcome == .succeeded {
                    result.outcome = .outputMismatch
                    result.message = "\(result.mismatches.count) cell(s) did not reproduce their stored outputs"
                }
                for mismatch in result.mismatches {
                    progress.line("\(label): cell \(mismatch.index) [\(mismatch.id)] outputs differ:\n\(mismatch.diff)")
                }
            }
        }
        if let output = job.output {
            do {
                try FileSystem.writeAtomically(Array(run.notebook.serialized().utf8), to: output)
                result.output = output
            } catch {
                progress.line("error: \(error.description)")
                if result.outcome == .succeeded {
                    result.outcome = .outputUnwritable
                    result.message = error.description
                }
            }
        }
        if let html = job.html {
            let banner = result.outcome == .succeeded ? nil : "\(result.outcome.rawValue): \(result.message ?? "")"
            let page = HTMLExporter.html(run.notebook, title: FileSystem.baseName(job.input), banner: banner)
            do {
                try FileSystem.writeAtomically(Array(page.utf8), to: html)
                result.htmlOutput = html
            } catch {
                progress.line("error: \(error.description)")
            }
        }
        let written = result.output.map { " → \($0)" } ?? ""
        progress.line(
            "\(label): \(result.outcome == .succeeded ? "succeeded" : result.outcome.rawValue) in \(ProgressReporter.format(run.duration))\(written)"
                + (result.message.map { " — \($0)" } ?? ""))
        return result
    }

    func writeReports(_ result: inout BatchResult) {
        if let path = configuration.summaryPath {
            let text = SummaryReport.json(result).serialized(.pretty(indent: 2)) + "\n"
            do {
                try FileSystem.writeAtomically(Array(text.utf8), to: path)
            } catch {
                progress.line("error: \(error.description)")
            }
        }
        if let path = configuration.junitPath {
            do {
                try FileSystem.writeAtomically(Array(JUnitReport.xml(result).utf8), to: path)
            } catch {
                progress.line("error: \(error.description)")
            }
        }
    }
}
