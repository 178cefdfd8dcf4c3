import CellEngine
import NotebookJSON
import NotebookRunner
import Testing

@Suite struct ExecutorTests {
    func run(_ cells: [Cell], _ settings: ExecutionSettings = ExecutionSettings()) -> (NotebookRun, ScriptedEngine) {
        let engine = ScriptedEngine()
        let run = NotebookExecutor(settings: settings).run(Make.notebook(cells), on: engine)
        return (run, engine)
    }

    @Test func recordsOutputsCountsAndCoalescesStreams() {
        let (run, engine) = run([
            Make.markdown("m", "text"),
            Make.code("a", "out: one\nout: two\nerr: warn\nout: three"),
            Make.code("b", "   \n"),
            Make.code("c", "result: 42"),
        ])
        #expect(run.outcome == .succeeded)
        #expect(engine.sources.count == 2)
        let a = run.notebook.cells[1]
        #expect(a.executionCount == 1)
        #expect(
            a.outputs == [
                .stream(name: "stdout", text: "one\ntwo\n"), .stream(name: "stderr", text: "warn\n"),
                .stream(name: "stdout", text: "three\n"),
            ])
        #expect(run.notebook.cells[2].executionCount == nil)
        #expect(run.notebook.cells[3].executionCount == 2)
        #expect(
            run.notebook.cells[3].outputs == [
                .executeResult(executionCount: 2, data: ["text/plain": "42"], metadata: [:])
            ])
        #expect(run.cells.map(\.status) == [.succeeded, .empty, .succeeded])
    }

    @Test func clearsStoredOutputsBeforeRunning() {
        var stale = Make.code("a", "out: fresh")
        stale.outputs = [.stream(name: "stdout", text: "stale\n")]
        stale.executionCount = 9
        var notRun = Make.code("c", "out: never")
        notRun.outputs = [.stream(name: "stdout", text: "old\n")]
        let (run, _) = run([stale, Make.code("b", "throw: boom"), notRun])
        #expect(run.notebook.cells[0].outputs == [.stream(name: "stdout", text: "fresh\n")])
        #expect(run.notebook.cells[2].outputs.isEmpty)
        #expect(run.notebook.cells[2].executionCount == nil)
    }

    @Test func stopsAtTheFirstErrorKeepingOutputsUpToIt() {
        let (run, engine) = run([
            Make.code("a", "out: before"),
            Make.code("b", "out: partial\nthrow: data row 17 is NaN"),
            Make.code("c", "out: after"),
        ])
        #expect(run.outcome == .cellError)
        #expect(engine.sources.count == 2)
        #expect(
            run.notebook.cells[1].outputs == [
                .stream(name: "stdout", text: "partial\n"),
                .error(
                    name: "InferenceError", value: "data row 17 is NaN",
                    traceback: ["InferenceError: data row 17 is NaN"]),
            ])
        #expect(run.cells.map(\.status) == [.succeeded, .failed, .notRun])
        #expect(run.stoppingCell?.id == "b")
    }

    @Test(arguments: [("compile-error", NotebookOutcome.cellError), ("crash", .workerDied), ("hang", .timedOut)])
    func mapsFailureKindsToOutcomes(script: String, outcome: NotebookOutcome) {
        let (run, _) = run([Make.code("a", script), Make.code("b", "out: x")])
        #expect(run.outcome == outcome)
        #expect(run.cells[1].status == .notRun)
    }

    @Test func raisesExceptionTagLetsACellFail() {
        let (run, engine) = run([
            Make.code("a", "throw: expected", tags: ["raises-exception"]),
            Make.code("b", "crash", tags: ["raises-exception"]),
            Make.code("c", "out: after"),
        ])
        #expect(run.outcome == .succeeded)
        #expect(engine.sources.count == 3)
        #expect(run.cells.map(\.status) == [.allowedFailure, .allowedFailure, .succeeded])
        #expect(run.notebook.cells[0].outputs.first?.outputType == "error")
    }

    @Test func allowErrorsContinuesButTimeoutsStillStop() {
        let (run, engine) = run(
            [Make.code("a", "compile-error"), Make.code("b", "hang"), Make.code("c", "out: never")],
            ExecutionSettings(cellTimeout: .seconds(1), allowErrors: true))
        #expect(engine.sources.count == 2)
        #expect(run.outcome == .timedOut)
        #expect(run.cells.map(\.status) == [.allowedFailure, .failed, .notRun])
        #expect(run.notebook.cells[1].outputs.last?.outputType == "error")
    }

    @Test func cellTimeoutsComeFromTheDefaultMetadataAndTags() {
        let (_, engine) = run(
            [
                Make.code("a", "out: 1"),
                Make.code("b", "out: 2", metadata: ["timeout": 2.5]),
                Make.code("c", "out: 3", tags: ["timeout=7"]),
                Make.code("d", "out: 4", tags: ["timeout=none"]),
            ],
            ExecutionSettings(cellTimeout: .seconds(30)))
        #expect(engine.timeouts == [.seconds(30), .milliseconds(2500), .seconds(7), nil])
    }

    @Test func theNotebookLimitCutsEachCellsLimit() {
        let (run, engine) = run(
            [Make.code("a", "out: 1"), Make.code("b", "hang")],
            ExecutionSettings(cellTimeout: .seconds(3600), notebookTimeout: .seconds(60)))
        #expect(engine.timeouts.allSatisfy { ($0 ?? .zero) <= .seconds(60) && ($0 ?? .zero) > .zero })
        #expect(run.outcome == .timedOut)
        #expect(run.cells[1].notebookLimitReached)
        if case .error(_, let value, _)? = run.notebook.cells[1].outputs.last {
            #expect(value.contains("notebook"))
        } else {
            Issue.record("no error output")
        }
    }

    @Test func displayUpdatesReplaceEarlierOutputsAcrossCells() {
        let (run, _) = run([
            Make.code("a", "display: bar 10%\nout: x"),
            Make.code("b", "update: bar 100%\ndisplay: - other"),
        ])
        #expect(run.notebook.cells[0].outputs[0] == .displayData(data: ["text/plain": "100%"], metadata: [:]))
        #expect(run.notebook.cells[1].outputs == [.displayData(data: ["text/plain": "other"], metadata: [:])])
    }

    @Test func clearOutputNowAndBeforeTheNextOutput() {
        let (run, _) = run([
            Make.code("a", "out: gone\nclear\nout: kept"),
            Make.code("b", "out: shown until\nclear-wait\nout: replacement"),
            Make.code("c", "out: stays\nclear-wait"),
        ])
        #expect(run.notebook.cells[0].outputs == [.stream(name: "stdout", text: "kept\n")])
        #expect(run.notebook.cells[1].outputs == [.stream(name: "stdout", text: "replacement\n")])
        #expect(run.notebook.cells[2].outputs == [.stream(name: "stdout", text: "stays\n")])
    }

    @Test func recordsTimingAsNbclientDoesUnlessAskedNot() {
        let (timed, _) = run([Make.code("a", "out: 1")])
        let execution = timed.notebook.cells[0].metadata["execution"]
        for key in ["iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"] {
            let stamp = execution?[key]?.stringValue ?? ""
            #expect(stamp.count == 27 && stamp.hasSuffix("Z") && stamp.contains("T"), "\(key): \(stamp)")
        }
        let (untimed, _) = run([Make.code("a", "out: 1")], ExecutionSettings(recordTiming: false))
        #expect(untimed.notebook.cells[0].metadata["execution"] == nil)
    }

    @Test func executedNotebookCarriesSwiftMetadata() {
        let (run, _) = run([Make.code("a", "out: 1")], ExecutionSettings(languageVersion: "6.3.1"))
        #expect(run.notebook.metadata["language_info"]?["version"] == "6.3.1")
        #expect(run.notebook.metadata["kernelspec"]?["name"] == "swift-inference")
    }

    @Test func svgDisplaysAreStoredAsLines() throws {
        let (run, _) = run([Make.code("a", "svg: <svg><rect/></svg>")])
        let json = run.notebook.serialized()
        let reread = try Notebook(jsonBytes: Array(json.utf8))
        #expect(reread.cells[0].outputs == run.notebook.cells[0].outputs)
        #expect(json.contains("\"image/svg+xml\": [\n"))
    }
}
