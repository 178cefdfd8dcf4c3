import Foundation
import NotebookJSON
import NotebookRunner
import Synchronization
import Testing

@Suite struct CheckTests {
    func executed(_ notebook: Notebook) -> Notebook {
        NotebookExecutor(settings: ExecutionSettings()).run(notebook, on: ScriptedEngine()).notebook
    }

    @Test func aNotebookReproducesItsOwnOutputs() {
        let source = Make.notebook([
            Make.code("a", "out: 1\nsvg: <svg> <g id=\"clip7\"><rect fill=\"url(#clip7)\"/></g> </svg>\nresult: 3")
        ])
        let stored = executed(source)
        #expect(NotebookComparison.mismatches(stored: stored, executed: executed(source)).isEmpty)
    }

    @Test func normalisationIgnoresWhatIsNotMeaningful() {
        let stored: [Output] = [
            .stream(name: "stdout", text: "a  \r\n"), .stream(name: "stdout", text: "b\n\n"),
            .executeResult(executionCount: 4, data: ["text/plain": "Model at 0x00007f3a2c001230"], metadata: ["x": 1]),
            .displayData(
                data: ["image/svg+xml": "<svg>\n  <g id=\"a1\"><use href=\"#a1\"/></g>\n</svg>"], metadata: [:]),
            .error(name: "E", value: "v", traceback: ["/tmp/build-1/cell.swift:3"]),
        ]
        let rerun: [Output] = [
            .stream(name: "stdout", text: "a\nb\n"),
            .executeResult(executionCount: 9, data: ["text/plain": "Model at 0x00005555deadbeef"], metadata: [:]),
            .displayData(data: ["image/svg+xml": "<svg><g id=\"zz\"><use href=\"#zz\"/></g></svg>"], metadata: [:]),
            .error(name: "E", value: "v", traceback: ["/tmp/build-2/cell.swift:3"]),
        ]
        #expect(OutputNormalizer.canonicalText(stored) == OutputNormalizer.canonicalText(rerun))
    }

    @Test func aChangedValueIsReportedWithADiff() throws {
        var stored = executed(
            Make.notebook([Make.code("a", "out: ELBO -12.5\nout: done"), Make.code("b", "out: same")]))
        stored.cells[0].outputs = [.stream(name: "stdout", text: "ELBO -12.4\ndone\n")]
        let mismatches = NotebookComparison.mismatches(
            stored: stored,
            executed: executed(
                Make.notebook([Make.code("a", "out: ELBO -12.5\nout: done"), Make.code("b", "out: same")])))
        #expect(mismatches.count == 1)
        #expect(mismatches[0].id == "a")
        #expect(mismatches[0].diff.contains("-ELBO -12.4"))
        #expect(mismatches[0].diff.contains("+ELBO -12.5"))
        #expect(mismatches[0].diff.contains(" done"))
    }

    @Test(arguments: ["%timeit -n 1 f()", "%%time\nlet x = 1", "%cd /tmp\n%install .package(path: \"P\") P"])
    func timingAndInstallCellsAreComparedWithoutTheirText(source: String) {
        let stored: [Output] = [
            .stream(name: "stdout", text: "Wall time: 12.1 ms\n"),
            .executeResult(executionCount: 1, data: ["text/plain": "3"], metadata: [:]),
        ]
        let sameResult: [Output] = [
            .stream(name: "stdout", text: "Wall time: 9.8 ms\n"),
            .executeResult(executionCount: 2, data: ["text/plain": "3"], metadata: [:]),
        ]
        let otherResult: [Output] = [
            .stream(name: "stdout", text: "Wall time: 12.1 ms\n"),
            .executeResult(executionCount: 2, data: ["text/plain": "4"], metadata: [:]),
        ]
        func notebook(_ outputs: [Output], _ text: String) -> Notebook {
            var notebook = Make.notebook([Make.code("a", text)])
            notebook.cells[0].outputs = outputs
            notebook.cells[0].executionCount = 1
            return notebook
        }
        #expect(NotebookComparison.mismatches(stored: notebook(stored, source), executed: notebook(sameResult, source)).isEmpty)
        #expect(NotebookComparison.mismatches(stored: notebook(stored, source), executed: notebook(otherResult, source)).count == 1)
        // The same text without the magic is compared whole, and so is a magic that is not about time.
        for plain in ["let x = 1", "%cd /tmp\nlet x = 1", "let t = 1\n%timeit f()"] {
            #expect(NotebookComparison.mismatches(stored: notebook(stored, plain), executed: notebook(sameResult, plain)).count == 1)
        }
    }

    @Test func ignoredCellsAreNotCompared() {
        let source = Make.notebook([
            Make.code("a", "out: now", tags: ["nbval-ignore-output"]),
            Make.code("b", "out: t", tags: ["check-ignore-output"]),
        ])
        var stored = executed(source)
        stored.cells[0].outputs = [.stream(name: "stdout", text: "then\n")]
        stored.cells[1].outputs = []
        #expect(NotebookComparison.mismatches(stored: stored, executed: executed(source)).isEmpty)
    }

    @Test func checkExitsWithFiveAndWritesNothingByDefault() throws {
        let scratch = Scratch()
        var stored = executed(Make.notebook([Make.code("a", "out: 2")]))
        let good = scratch.write("good.ipynb", stored)
        stored.cells[0].outputs = [.stream(name: "stdout", text: "1\n")]
        let drifted = scratch.write("drifted.ipynb", stored)
        let lines = Locked<[String]>([])
        let progress = ProgressReporter(isTerminal: false) { text in lines.withLock { $0.append(text) } }
        let junit = scratch.path + "/junit.xml"
        let result = BatchRunner(
            configuration: BatchConfiguration(inputs: [good, drifted], check: true, junitPath: junit),
            progress: progress
        ) { _ in ScriptedEngine() }.run()
        #expect(result.exitCode == .outputMismatch)
        #expect(result.exitCode.rawValue == 5)
        #expect(result.notebooks.map(\.outcome) == [.succeeded, .outputMismatch])
        #expect(scratch.files() == ["drifted.ipynb", "good.ipynb", "junit.xml"])
        let log = lines.withLock { $0.joined() }
        #expect(log.contains("-1") && log.contains("+2"))
        #expect(scratch.read(junit)?.contains("<failure type=\"OutputMismatch\"") == true)
    }

    @Test func lineDiffHunks() {
        #expect(LineDiff.unified(expected: "a\nb", actual: "a\nb") == nil)
        let diff = LineDiff.unified(
            expected: "1\n2\n3\n4\n5\n6\n7\n8\n9", actual: "1\n2\n3\n4\nfive\n6\n7\n8\n9", context: 1)
        #expect(diff == "--- stored\n+++ executed\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6")
    }
}
