import ArgumentParser
import Foundation
import NotebookRunner

/// `swift-inference merge-reports DIR… --output DIR`: combines the reports of sharded runs.
struct MergeReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-reports",
        abstract: "Merge the reports of several `execute --reports DIR` runs (the shards of a CI run).",
        discussion: """
            Each folder holds summary.json, junit.xml and html/ as `execute --reports` writes them. The \
            output folder gets a merged summary.json (every notebook, sorted by path, and the runs it came \
            from), junit.xml (every test suite, with the totals), and html/ with every page and an \
            index.html. When the inputs are shards, every shard of the run must be there exactly once: a \
            missing shard is an error, not a smaller green report.

            Exit code: the merged run's, as `execute` would give it for all the notebooks (0 when every \
            notebook succeeded); 4 when the folders cannot be merged (the message names the folder).
            """)

    @Argument(help: "Report folders, one per run or shard.")
    var folders: [String] = []

    @Option(name: [.short, .long], help: "The folder to write the merged reports to.")
    var output: String

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard !folders.isEmpty else { throw ValidationError("give at least one report folder") }
    }

    func run() throws {
        let outcome: ReportMerge.Outcome
        do {
            outcome = try ReportMerge.merge(folders, into: output)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(RunnerExitCode.badInput.rawValue)
        }
        if !quiet {
            print(
                "merged \(folders.count) report folder\(folders.count == 1 ? "" : "s") into \(output): "
                    + "\(outcome.notebooks - outcome.failed) of \(outcome.notebooks) notebooks succeeded; "
                    + "exit code \(outcome.exitCode.rawValue) (\(outcome.exitCode.meaning))")
        }
        if outcome.exitCode != .success { throw ExitCode(outcome.exitCode.rawValue) }
    }
}
