import NotebookJSON
import Testing

@testable import CellEngine

/// The engine's record of the widgets' comms: opened, updated from either side, closed, and the three
/// answers it gives without the worker (comm_info, `update_states`, the notebook's saved state).
@Suite struct WidgetStateStoreTests {
    static func slider(_ id: String, value: Double) -> CommEvent {
        .open(
            id: id, target: "jupyter.widget",
            data: [
                "state": [
                    "_model_name": "FloatSliderModel", "_model_module": "@jupyter-widgets/controls",
                    "_model_module_version": "2.0.0", "value": .number(value), "description": "q",
                ],
                "buffer_paths": [],
            ], metadata: ["version": "2.1.0"])
    }

    @Test func updatesFromBothSidesAreMergedAndClosesForgotten() {
        var store = WidgetStateStore()
        store.apply(Self.slider("a", value: 0.5))
        store.apply(Self.slider("b", value: 1))
        store.apply(CommEvent.message(id: "a", data: ["method": "update", "state": ["value": 0.7], "buffer_paths": []]))
        store.apply(CommDelivery.message(id: "b", data: ["method": "update", "state": ["value": 2]]))
        // Messages that are not updates, or for unknown comms, change nothing.
        store.apply(CommDelivery.message(id: "a", data: ["method": "custom", "content": ["value": 9]]))
        store.apply(CommDelivery.message(id: "zz", data: ["method": "update", "state": ["value": 9]]))
        store.apply(CommDelivery.message(id: "a", data: ["method": "update", "state": [1, 2]]))
        #expect(store.comms["a"]?.state["value"] == 0.7)
        #expect(store.comms["a"]?.state["description"] == "q")
        #expect(store.comms["b"]?.state["value"] == 2)
        #expect(store.comms["zz"] == nil)
        store.apply(CommDelivery.close(id: "a"))
        #expect(store.openComms == ["b": "jupyter.widget"])
        #expect(store.widgets.map(\.id) == ["b"])
    }

    @Test func controlCommAndSavedStateHaveTheProtocolsShape() throws {
        var store = WidgetStateStore()
        #expect(store.notebookMetadata == nil)
        store.apply(Self.slider("a", value: 0.25))
        store.openFromFrontEnd(id: "control", target: "jupyter.widget.control")
        #expect(store.openComms == ["a": "jupyter.widget", "control": "jupyter.widget.control"])
        let states = store.updateStates
        #expect(states["method"] == "update_states")
        #expect(states["states"]?["a"]?["model_name"] == "FloatSliderModel")
        #expect(states["states"]?["a"]?["model_module_version"] == "2.0.0")
        #expect(states["states"]?["a"]?["state"]?["value"] == 0.25)
        #expect(states["states"]?["control"] == nil)
        #expect(states["buffer_paths"]?["a"] == [])
        let saved = try #require(store.notebookMetadata?["application/vnd.jupyter.widget-state+json"])
        #expect(saved["version_major"] == 2 && saved["version_minor"] == 0)
        #expect(saved["state"]?["a"]?["state"]?["description"] == "q")
        #expect(store.valuesToRestore.map(\.id) == ["a"])
        #expect(store.valuesToRestore.first?.state == ["value": 0.25])
    }
}
