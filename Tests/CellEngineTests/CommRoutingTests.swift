import NotebookJSON
import Testing

@testable import CellEngine

/// Comm messages through a real session and worker: a cell's widgets open comms, a front end's update runs
/// the widget's `onChange` in the worker with the cells' state, and the widgets survive a crash.
@Suite(.serialized) struct CommRoutingTests {
    func opened(_ recorder: Recorder) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for case .comm(.open(let id, _, let data, _)) in recorder.events { out[id] = data["state"] }
        return out
    }

    func sliderID(_ recorder: Recorder, model: String = "IntSliderModel") throws -> String {
        try #require(opened(recorder).first { $0.value["_model_name"]?.stringValue == model }?.key)
    }

    @Test func anUpdateRunsOnChangeInTheWorkerWithTheCellsState() throws {
        let session = try makeSession()
        defer { session.shutdown() }
        let cell = Recorder()
        let made = session.execute(
            "var sum = 10\nlet n = IntSlider(value: 1, range: 0...9, description: \"n\").onChange { sum += $0; print(\"sum\", sum) }\nn",
            onEvent: cell.record)
        #expect(throws: Never.self) { try made.get() }
        let id = try sliderID(cell)
        // Ids: the session's prefix, then the cell's execution number and the widget's place in the cell.
        #expect(id.count == 32 && id.hasSuffix("0000000100000003"))
        #expect(session.widgetStore.openComms[id] == "jupyter.widget")

        let callback = Recorder()
        let moved = session.deliverComm(.message(id: id, data: ["method": "update", "state": ["value": 4]]), onEvent: callback.record)
        #expect(throws: Never.self) { try moved.get() }
        #expect(callback.stdout == "sum 14\n")
        #expect(session.widgetStore.comms[id]?.state["value"] == 4)

        // A callback that traps: reported as a crash, the worker replaced, and the slider bound again.
        let trap = session.execute("n.onChange { v in if v == 7 { fatalError(\"seven\") } }", onEvent: { _ in })
        #expect(throws: Never.self) { try trap.get() }
        let crashed = session.deliverComm(.message(id: id, data: ["method": "update", "state": ["value": 7]]), onEvent: { _ in })
        #expect(crashed.failure?.kind == .crash)
        #expect(crashed.failure?.message.contains("seven") == true)
        let after = Recorder()
        let again = session.deliverComm(.message(id: id, data: ["method": "update", "state": ["value": 2]]), onEvent: after.record)
        #expect(throws: Never.self) { try again.get() }
        // The replay ran the cells again (sum = 10) and set the slider silently to 7 first.
        #expect(after.stdout == "sum 12\n")
        let value = Recorder()
        _ = session.execute("n.value", onEvent: value.record)
        #expect(session.widgetStore.comms[id]?.state["value"] == 2)
    }

    @Test func aThrowingCallbackIsAnErrorOfTheMessageNotOfTheSession() throws {
        let session = try makeSession()
        defer { session.shutdown() }
        let cell = Recorder()
        _ = session.execute(
            "struct No: Error {}\nlet box = Checkbox(value: false, description: \"c\").onChange { on in if on { throw No() } }\nbox",
            onEvent: cell.record)
        let id = try sliderID(cell, model: "CheckboxModel")
        let thrown = session.deliverComm(.message(id: id, data: ["method": "update", "state": ["value": true]]), onEvent: { _ in })
        #expect(thrown.failure?.kind == .thrownError)
        #expect(thrown.failure?.name == "No")
        let fine = session.deliverComm(.message(id: id, data: ["method": "update", "state": ["value": false]]), onEvent: { _ in })
        #expect(throws: Never.self) { try fine.get() }
        let check = Recorder()
        _ = session.execute("print(box.value)", onEvent: check.record)
        #expect(check.stdout == "false\n")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
