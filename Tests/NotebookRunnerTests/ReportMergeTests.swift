import Foundation
import NotebookJSON
import NotebookRunner
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `merge-reports`: the shards' summaries, JUnit files and HTML pages become one report; a failed
/// notebook in any shard fails the merge; a missing, repeated or foreign shard is an error.
@Suite struct ReportMergeTests {
    static let good = Make.notebook([Make.code("a", "out: hello"), Make.code("b", "result: 2")])
    static let failing = Make.notebook([Make.code("a", "out: ok"), Make.code("b", "throw: boom"), Make.code("c", "out: x")])

    /// Runs shard `index`/`count` of `inputs` with its reports in `folder`.
    @discardableResult
    func runShard(_ index: Int, of count: Int, _ inputs: [String], reports folder: String) throws -> BatchResult {
        let configuration = BatchConfiguration(
            inputs: inputs, summaryPath: folder + "/summary.json", junitPath: folder + "/junit.xml",
            htmlDirectory: folder + "/html", shard: try Shard(index: index, count: count))
        let progress = ProgressReporter(isTerminal: false) { _ in }
        return BatchRunner(configuration: configuration, progress: progress) { _ in ScriptedEngine() }.run()
    }

    func summary(_ file: String) throws -> JSONValue {
        try JSONValue(parsing: try FileSystem.read(file))
    }

    /// Four notebooks, one failing, in three shards.
    func course(_ scratch: borrowing Scratch) -> [String] {
        ["a-good", "b-good", "c-failing", "d-good"].map { name in
            scratch.write("course/\(name).ipynb", name.hasSuffix("failing") ? Self.failing : Self.good)
        }
    }

    @Test func shardsMergeIntoOneReportThatFailsWhenOneNotebookFailed() throws {
        let scratch = Scratch()
        let inputs = course(scratch)
        var codes: [RunnerExitCode] = []
        for index in 1...3 {
            codes.append(try runShard(index, of: 3, inputs.reversed(), reports: scratch.path + "/shard-\(index)").exitCode)
        }
        // Sorted a, b, c, d: shard 1 has a and d, shard 2 b, shard 3 the failing c.
        #expect(codes == [.success, .success, .cellError])
        let shardOne = try summary(scratch.path + "/shard-1/summary.json")
        #expect(shardOne["shard"]?["index"]?.intValue == 1 && shardOne["shard"]?["count"]?.intValue == 3)
        #expect(shardOne["notebooks"]?.arrayValue?.count == 2)

        let out = scratch.path + "/merged"
        let outcome = try ReportMerge.merge((1...3).map { scratch.path + "/shard-\($0)" }.reversed(), into: out)
        #expect(outcome.exitCode == .cellError)
        #expect(outcome.notebooks == 4 && outcome.failed == 1)

        let merged = try summary(out + "/summary.json")
        #expect(merged["exit_code"]?.intValue == 1)
        let entries = merged["notebooks"]?.arrayValue ?? []
        #expect(entries.compactMap { $0["input"]?.stringValue } == inputs)
        #expect(entries.compactMap { $0["status"]?.stringValue } == ["success", "success", "cell-error", "success"])
        #expect(entries[2]["failed_cell"]?["evalue"]?.stringValue == "boom")
        #expect(entries[0]["html"]?.stringValue == "html/a-good.html")
        #expect(merged["merged_from"]?.arrayValue?.count == 3)

        // JUnit: every suite, totals added up, still valid XML.
        let junit = scratch.read(out + "/junit.xml") ?? ""
        let document = try XMLDocument(xmlString: junit)
        #expect(try document.nodes(forXPath: "//testsuite").count == 4)
        #expect(try document.nodes(forXPath: "//testcase").count == 9)
        let root = document.rootElement()
        #expect(root?.attribute(forName: "tests")?.stringValue == "9")
        #expect(root?.attribute(forName: "errors")?.stringValue == "1")
        #expect(root?.attribute(forName: "skipped")?.stringValue == "1")
        #expect(junit.contains("InferenceError: boom"), "the traceback is kept")

        // HTML: every page, and an index linking them with their status.
        #expect(scratch.files(out + "/html") == ["a-good.html", "b-good.html", "c-failing.html", "d-good.html", "index.html"])
        let index = scratch.read(out + "/html/index.html") ?? ""
        for name in ["a-good", "b-good", "c-failing", "d-good"] { #expect(index.contains("href=\"\(name).html\"")) }
        #expect(index.contains("<tr class=\"failed\">"))
        #expect(index.contains("3 of 4 notebooks succeeded; exit code 1"))
        #expect(scratch.read(out + "/html/c-failing.html") == scratch.read(scratch.path + "/shard-3/html/c-failing.html"))
    }

    @Test func allGreenShardsMergeGreenAndAnEmptyShardCounts() throws {
        let scratch = Scratch()
        let inputs = ["x", "y"].map { scratch.write("\($0).ipynb", Self.good) }
        for index in 1...3 { try runShard(index, of: 3, inputs, reports: scratch.path + "/s\(index)") }
        let outcome = try ReportMerge.merge((1...3).map { scratch.path + "/s\($0)" }, into: scratch.path + "/m")
        #expect(outcome.exitCode == .success && outcome.notebooks == 2 && outcome.failed == 0)
    }

    @Test func aMissingShardIsAnErrorAndNothingIsWritten() throws {
        let scratch = Scratch()
        let inputs = course(scratch)
        for index in [1, 3] { try runShard(index, of: 3, inputs, reports: scratch.path + "/shard-\(index)") }
        let out = scratch.path + "/merged"
        let error = #expect(throws: NotebookError.self) {
            try ReportMerge.merge([scratch.path + "/shard-1", scratch.path + "/shard-3"], into: out)
        }
        let text = error?.description ?? ""
        #expect(text.contains("shard 2/3 missing"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func repeatedForeignAndUnshardedInputsAreErrorsNamingTheFolder() throws {
        let scratch = Scratch()
        let inputs = course(scratch)
        try runShard(1, of: 2, inputs, reports: scratch.path + "/one")
        try runShard(2, of: 2, inputs, reports: scratch.path + "/two")
        try runShard(2, of: 3, inputs, reports: scratch.path + "/foreign")
        let plain = BatchConfiguration(inputs: inputs, summaryPath: scratch.path + "/plain/summary.json")
        _ = BatchRunner(configuration: plain, progress: ProgressReporter(isTerminal: false) { _ in }) { _ in ScriptedEngine() }.run()
        let cases: [([String], String)] = [
            (["one", "two", "two"], "shard 2/2 is also in"),
            (["one", "two", "foreign"], "shards of different runs"),
            (["one", "two", "plain"], "is not a shard's report"),
            (["one", "nowhere"], "no summary.json"),
        ]
        for (folders, expected) in cases {
            let error = #expect(throws: NotebookError.self) {
                try ReportMerge.merge(folders.map { scratch.path + "/" + $0 }, into: scratch.path + "/out")
            }
            let text = error?.description ?? ""
            #expect(text.contains(expected), "\(text)")
        }
    }

    @Test func damagedReportsAreErrorsNamingTheFile() throws {
        let scratch = Scratch()
        let inputs = course(scratch)
        try runShard(1, of: 1, inputs, reports: scratch.path + "/r")
        let damages: [(file: String, text: String, expected: [String])] = [
            ("r/junit.xml", "<html>not junit</html>", ["junit.xml", "not a JUnit report"]),
            ("r/summary.json", "{\"exit_code\": 0}", ["summary.json", "'notebooks'"]),
            ("r/summary.json", "{not json", ["summary.json", "invalid JSON"]),
        ]
        for damage in damages {
            _ = scratch.write(damage.file, damage.text)
            let error = #expect(throws: NotebookError.self) {
                try ReportMerge.merge([scratch.path + "/r"], into: scratch.path + "/out")
            }
            let text = error?.description ?? ""
            #expect(damage.expected.allSatisfy { text.contains($0) }, "\(text)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/out"))
    }
}
