import Foundation
import NotebookJSON
import NotebookRunner
import Synchronization
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A fresh temporary folder per test.
struct Scratch: ~Copyable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "runner-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ notebook: Notebook) -> String {
        write(name, notebook.serialized())
    }

    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        try! FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        return file
    }

    func read(_ file: String) -> String? {
        FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) }
    }

    func files(_ folder: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder ?? path)) ?? []).sorted()
    }
}

@Suite struct BatchRunnerTests {
    static let good = Make.notebook([
        Make.markdown("m", "# Hi"), Make.code("a", "out: hello"), Make.code("b", "result: 2"),
    ])
    static let failing = Make.notebook([
        Make.code("a", "out: ok"), Make.code("b", "throw: boom"), Make.code("c", "out: x"),
    ])

    func runner(_ configuration: BatchConfiguration, lines: Locked<[String]>? = nil) -> BatchRunner {
        let progress = ProgressReporter(isTerminal: false) { text in lines?.withLock { $0.append(text) } }
        return BatchRunner(configuration: configuration, progress: progress) { _ in ScriptedEngine() }
    }

    @Test func writesExecutedNotebooksToTheOutputFolderAndLeavesTheInput() throws {
        let scratch = Scratch()
        let input = scratch.write("in/good.ipynb", Self.good)
        let before = scratch.read(input)
        let out = scratch.path + "/out"
        let result = runner(BatchConfiguration(inputs: [input], outputDirectory: out)).run()
        #expect(result.exitCode == .success)
        #expect(scratch.read(input) == before)
        let written = try Notebook(jsonBytes: try FileSystem.read(out + "/good.ipynb"))
        #expect(written.cells[1].outputs == [.stream(name: "stdout", text: "hello\n")])
        #expect(scratch.files(out) == ["good.ipynb"])  // no temporary files left
    }

    @Test func inPlaceOverwritesTheInput() throws {
        let scratch = Scratch()
        let input = scratch.write("good.ipynb", Self.good)
        let result = runner(BatchConfiguration(inputs: [input], inPlace: true)).run()
        #expect(result.exitCode == .success)
        #expect(try Notebook(jsonBytes: try FileSystem.read(input)).cells[2].executionCount == 2)
    }

    @Test func writesThePartialNotebookOnFailureAndReportsTheCell() throws {
        let scratch = Scratch()
        let input = scratch.write("bad.ipynb", Self.failing)
        let lines = Locked<[String]>([])
        let result = runner(BatchConfiguration(inputs: [input], outputDirectory: scratch.path + "/out"), lines: lines)
            .run()
        #expect(result.exitCode == .cellError)
        let written = try Notebook(jsonBytes: try FileSystem.read(scratch.path + "/out/bad.ipynb"))
        #expect(written.cells[0].outputs.count == 1)
        #expect(written.cells[1].outputs.last?.outputType == "error")
        #expect(written.cells[2].executionCount == nil)
        let log = lines.withLock { $0.joined() }
        #expect(log.contains("bad.ipynb: cell 1 [b] FAILED: InferenceError: boom"))
        #expect(result.notebooks[0].message?.contains("cell 1 [b]") == true)
    }

    @Test(arguments: [
        ("not json", "not a JSON file"),
        (#"{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}"#, "nbformat 3"),
        (#"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}"#, "missing field 'cells'"),
        (
            #"{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}}}"#,
            "not Swift"
        ),
    ])
    func badInputWritesNothingAndExitsWithFour(text: String, phrase: String) {
        let scratch = Scratch()
        let good = scratch.write("a-good.ipynb", Self.good)
        let bad = scratch.write("b-bad.ipynb", text)
        let lines = Locked<[String]>([])
        let out = scratch.path + "/out"
        let result = runner(
            BatchConfiguration(
                inputs: [good, bad], outputDirectory: out, summaryPath: out + "/summary.json",
                junitPath: out + "/junit.xml",
                htmlDirectory: out), lines: lines
        ).run()
        #expect(result.exitCode == .badInput)
        #expect(result.exitCode.rawValue == 4)
        #expect(result.notebooks.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out))
        let log = lines.withLock { $0.joined() }
        #expect(log.contains(bad) && log.contains(phrase), "\(log)")
    }

    @Test func aMissingFileIsBadInput() {
        let scratch = Scratch()
        let result = runner(
            BatchConfiguration(inputs: [scratch.path + "/nope.ipynb"], outputDirectory: scratch.path + "/o")
        ).run()
        #expect(result.exitCode == .badInput)
        #expect(result.inputErrors.first?.description.contains("nope.ipynb: no such file") == true)
    }

    @Test func anUnwritableOutputFolderIsBadInputAndNothingRuns() {
        let scratch = Scratch()
        let input = scratch.write("good.ipynb", Self.good)
        let blocker = scratch.write("file", "not a folder")
        let engines = Locked(0)
        let result = BatchRunner(
            configuration: BatchConfiguration(inputs: [input], outputDirectory: blocker + "/out"),
            progress: ProgressReporter(enabled: false)
        ) { _ in
            engines.withLock { $0 += 1 }
            return ScriptedEngine()
        }.run()
        #expect(result.exitCode == .badInput)
        #expect(result.inputErrors.first?.kind == .unwritable)
        #expect(result.inputErrors.first?.description.contains(blocker) == true)
        #expect(engines.withLock { $0 } == 0)
    }

    @Test func twoInputsWritingTheSameOutputAreRefused() {
        let scratch = Scratch()
        let first = scratch.write("x/nb.ipynb", Self.good)
        let second = scratch.write("y/nb.ipynb", Self.good)
        let result = runner(BatchConfiguration(inputs: [first, second], outputDirectory: scratch.path + "/out")).run()
        #expect(result.exitCode == .badInput)
        #expect(result.inputErrors.first?.kind == .badOptions)
    }

    @Test func outputFolderEqualToTheInputFolderIsRefusedWithoutInplace() {
        let scratch = Scratch()
        let input = scratch.write("nb.ipynb", Self.good)
        let result = runner(BatchConfiguration(inputs: [input], outputDirectory: scratch.path)).run()
        #expect(result.exitCode == .badInput)
        #expect(result.inputErrors.first?.message.contains("--inplace") == true)
    }

    @Test func foldersAreSearchedForNotebooks() {
        let scratch = Scratch()
        _ = scratch.write("nbs/b.ipynb", Self.good)
        _ = scratch.write("nbs/a.ipynb", Self.good)
        _ = scratch.write("nbs/.ipynb_checkpoints/a-checkpoint.ipynb", "junk")
        _ = scratch.write("nbs/notes.txt", "junk")
        let result = runner(BatchConfiguration(inputs: [scratch.path + "/nbs"], outputDirectory: scratch.path + "/out"))
            .run()
        #expect(result.exitCode == .success)
        #expect(result.notebooks.map { ($0.input as NSString).lastPathComponent } == ["a.ipynb", "b.ipynb"])
    }

    @Test func exitCodeIsThatOfTheFirstFailingNotebook() {
        let scratch = Scratch()
        let crash = scratch.write("1.ipynb", Make.notebook([Make.code("a", "crash")]))
        let hang = scratch.write("2.ipynb", Make.notebook([Make.code("a", "hang")]))
        let good = scratch.write("0.ipynb", Self.good)
        let result = runner(
            BatchConfiguration(inputs: [good, crash, hang], outputDirectory: scratch.path + "/out", jobs: 2)
        ).run()
        #expect(result.notebooks.map(\.outcome) == [.succeeded, .workerDied, .timedOut])
        #expect(result.exitCode == .workerDied)
        #expect(result.exitCode.rawValue == 3)
    }

    @Test func jobsRunNotebooksInParallelEachOnItsOwnEngine() {
        let scratch = Scratch()
        let inputs = (0..<6).map { scratch.write("nb\($0).ipynb", Make.notebook([Make.code("a", "out: \($0)")])) }
        let engines = Locked<[ScriptedEngine]>([])
        let folders = Locked<Set<String>>([])
        let result = BatchRunner(
            configuration: BatchConfiguration(inputs: inputs, outputDirectory: scratch.path + "/out", jobs: 3),
            progress: ProgressReporter(enabled: false)
        ) { folder in
            let engine = ScriptedEngine()
            engines.withLock { $0.append(engine) }
            folders.withLock { _ = $0.insert(folder) }
            return engine
        }.run()
        #expect(result.exitCode == .success)
        #expect(result.notebooks.map(\.input) == inputs)
        let all = engines.withLock { $0 }
        #expect(all.count == 6)
        // Each engine runs in its notebook's folder, as Jupyter starts a kernel there.
        #expect(folders.withLock { $0 } == [(scratch.path as NSString).standardizingPath])
        #expect(all.allSatisfy { $0.sources.count == 1 && $0.shutDown })
        for (i, notebook) in result.notebooks.enumerated() {
            #expect(notebook.run?.notebook.cells[0].outputs == [.stream(name: "stdout", text: "\(i)\n")])
        }
    }

    @Test func anEngineThatCannotStartExitsWithSix() {
        struct Missing: Error {}
        let scratch = Scratch()
        let input = scratch.write("good.ipynb", Self.good)
        let result = BatchRunner(
            configuration: BatchConfiguration(inputs: [input], outputDirectory: scratch.path + "/out"),
            progress: ProgressReporter(enabled: false)
        ) { _ in throw Missing() }.run()
        #expect(result.exitCode == .engineUnavailable)
        #expect(result.exitCode.rawValue == 6)
    }

    @Test func parametersAreInjectedIntoEveryNotebook() throws {
        let scratch = Scratch()
        let input = scratch.write(
            "p.ipynb", Make.notebook([Make.code("p", "let seed = 1", tags: ["parameters"]), Make.code("a", "out: x")]))
        let result = runner(
            BatchConfiguration(
                inputs: [input], outputDirectory: scratch.path + "/out",
                parameters: [NotebookParameter(name: "seed", value: .int(5))])
        ).run()
        #expect(result.exitCode == .success)
        let written = try Notebook(jsonBytes: try FileSystem.read(scratch.path + "/out/p.ipynb"))
        #expect(written.cells[1].hasTag("injected-parameters"))
        #expect(written.cells[1].source.contains("let seed: Int = 5"))
        #expect(written.cells[1].executionCount == 2)
    }

    @Test func aBadParameterIsBadInput() {
        let scratch = Scratch()
        let input = scratch.write("p.ipynb", Make.notebook([Make.code("p", "let seed = 1", tags: ["parameters"])]))
        let result = runner(
            BatchConfiguration(
                inputs: [input], outputDirectory: scratch.path + "/out",
                parameters: [NotebookParameter(name: "seed", value: .string("many"))])
        ).run()
        #expect(result.exitCode == .badInput)
        #expect(result.inputErrors.first?.kind == .badParameter)
        #expect(result.inputErrors.first?.file == input)
    }

    @Test func writesTheSummaryJUnitAndHTMLReports() throws {
        let scratch = Scratch()
        let good = scratch.write("good.ipynb", Self.good)
        let bad = scratch.write("bad.ipynb", Self.failing)
        let reports = scratch.path + "/reports"
        let result = runner(
            BatchConfiguration(
                inputs: [good, bad], outputDirectory: scratch.path + "/out", summaryPath: reports + "/summary.json",
                junitPath: reports + "/junit.xml", htmlDirectory: scratch.path + "/html")
        ).run()
        #expect(result.exitCode == .cellError)
        let summary = try JSONValue(parsing: try FileSystem.read(reports + "/summary.json"))
        #expect(summary["exit_code"] == 1)
        #expect(summary["notebooks"]?.arrayValue?.count == 2)
        #expect(summary["notebooks"]?.arrayValue?[1]["status"] == "cell-error")
        #expect(summary["notebooks"]?.arrayValue?[1]["failed_cell"]?["id"] == "b")
        #expect(summary["notebooks"]?.arrayValue?[1]["failed_cell"]?["evalue"] == "boom")
        let junit = scratch.read(reports + "/junit.xml") ?? ""
        #expect(junit.contains("<testsuite name=\"\(bad)\" tests=\"3\" failures=\"0\" errors=\"1\" skipped=\"1\""))
        #expect(junit.contains("<error type=\"InferenceError\" message=\"boom\">"))
        let document = try XMLDocument(xmlString: junit)
        #expect(try document.nodes(forXPath: "//testcase").count == 5)
        let page = scratch.read(scratch.path + "/html/bad.html") ?? ""
        #expect(page.contains("InferenceError: boom"))
        #expect(page.contains("class=\"banner\""))
        #expect(scratch.read(scratch.path + "/html/good.html")?.contains("<h1>Hi</h1>") == true)
    }
}
