import NotebookJSON

/// The last known state of every widget comm, kept by the engine from the messages both sides sent.
///
/// It answers what does not need the worker: `comm_info_request` (the open comms and their targets), the
/// front end's `request_states` on the `jupyter.widget.control` comm, the widget state a headless run
/// saves in the notebook's metadata (as nbconvert does), and, after a worker was replaced, the values the
/// replayed widgets are brought back to.
public struct WidgetStateStore: Sendable, Hashable {
    /// One comm: its target and, for widgets, the model and its state.
    public struct Comm: Sendable, Hashable {
        public var target: String
        public var state: [String: JSONValue]
    }

    /// The widget protocol's MIME type for saved state.
    public static let stateMIMEType = "application/vnd.jupyter.widget-state+json"

    public private(set) var comms: [String: Comm] = [:]
    /// Comm ids in the order they were opened.
    public private(set) var order: [String] = []

    public init() {}

    /// The open comms: id → target name.
    public var openComms: [String: String] { comms.mapValues(\.target) }

    /// Records a message the worker sent.
    public mutating func apply(_ event: CommEvent) {
        switch event {
        case .open(let id, let target, let data, _):
            if comms[id] == nil { order.append(id) }
            comms[id] = Comm(target: target, state: data["state"]?.objectValue ?? [:])
        case .message(let id, let data):
            applyUpdate(id: id, data: data)
        case .close(let id, _):
            remove(id)
        }
    }

    /// Records a message the front end sent.
    public mutating func apply(_ delivery: CommDelivery) {
        switch delivery {
        case .message(let id, let data): applyUpdate(id: id, data: data)
        case .close(let id): remove(id)
        }
    }

    /// A comm the front end opened itself (the widget control comm).
    public mutating func openFromFrontEnd(id: String, target: String) {
        if comms[id] == nil { order.append(id) }
        comms[id] = Comm(target: target, state: [:])
    }

    private mutating func applyUpdate(id: String, data: JSONValue) {
        guard comms[id] != nil, let method = data["method"]?.stringValue, method == "update" || method == "echo_update",
            let state = data["state"]?.objectValue
        else { return }
        comms[id]!.state.merge(state) { _, new in new }
    }

    private mutating func remove(_ id: String) {
        guard comms.removeValue(forKey: id) != nil else { return }
        order.removeAll { $0 == id }
    }

    /// The widgets (`jupyter.widget` comms), in the order they were opened.
    public var widgets: [(id: String, state: [String: JSONValue])] {
        order.compactMap { id in
            guard let comm = comms[id], comm.target == "jupyter.widget" else { return nil }
            return (id, comm.state)
        }
    }

    /// One widget as the saved-state and `update_states` formats describe it.
    static func modelEntry(_ state: [String: JSONValue]) -> JSONValue {
        [
            "model_name": state["_model_name"] ?? "", "model_module": state["_model_module"] ?? "",
            "model_module_version": state["_model_module_version"] ?? "", "state": .object(state),
        ]
    }

    /// The `update_states` answer to the control comm's `request_states`.
    public var updateStates: JSONValue {
        var states: [String: JSONValue] = [:]
        var paths: [String: JSONValue] = [:]
        for (id, state) in widgets {
            states[id] = Self.modelEntry(state)
            paths[id] = []
        }
        return ["method": "update_states", "states": .object(states), "buffer_paths": .object(paths)]
    }

    /// The notebook metadata member `widgets` as nbconvert writes it; `nil` when no widget is open.
    public var notebookMetadata: JSONValue? {
        let all = widgets
        guard !all.isEmpty else { return nil }
        var states: [String: JSONValue] = [:]
        for (id, state) in all { states[id] = Self.modelEntry(state) }
        return [Self.stateMIMEType: ["version_major": 2, "version_minor": 0, "state": .object(states)]]
    }

    /// The values each widget's front end shows (its `value` or `index`), to set again, silently, in a
    /// worker that replaced a lost one.
    public var valuesToRestore: [(id: String, state: [String: JSONValue])] {
        widgets.compactMap { id, state in
            let values = state.filter { $0.key == "value" || $0.key == "index" }
            return values.isEmpty ? nil : (id, values)
        }
    }
}
