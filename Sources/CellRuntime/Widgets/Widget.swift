internal import NotebookJSON
internal import WorkerProtocol

/// A Jupyter widget: an object in the cell's worker whose twin (a model, with views) lives in the front end,
/// kept in step over a comm in the ipywidgets 8 wire format (`jupyter.widget`, protocol 2.1.0).
///
/// A widget shows when it is a cell's last expression or passed to `display(_:)`; JupyterLab, Notebook 7
/// and VS Code render it with their stock widget manager. The state each widget sends is the one
/// ipywidgets 8.1.9 sends for the same widget, key for key.
///
/// Widgets are used from the cell's thread; messages from the front end run between cells, in the same
/// worker, so a widget's callbacks see everything the cells declared.
public class Widget: NotebookDisplayable, CustomStringConvertible, @unchecked Sendable {
    /// The widget's model id: the id of its comm.
    public let modelID: String
    /// The synchronised state, by ipywidgets' key names.
    var state: [String: JSONValue]
    /// Whether the comm was closed (by `close()` or by the front end).
    public private(set) var isClosed = false

    init(state: [String: JSONValue]) {
        modelID = WidgetComms.nextID()
        self.state = state
        WidgetComms.register(self)
        WidgetComms.send(
            .commOpen(
                id: modelID, target: WidgetComms.widgetTarget,
                data: ["state": .object(state), "buffer_paths": []],
                metadata: ["version": .string(WidgetComms.protocolVersion)]))
    }

    /// The widget's view in a front end, with a plain-text stand-in for front ends without widgets.
    public var mimeBundle: MIMEBundle {
        let view: JSONValue = ["version_major": 2, "version_minor": 0, "model_id": .string(modelID)]
        return MIMEBundle(
            plainText: description, ["application/vnd.jupyter.widget-view+json": String(decoding: view.serializedBytes(), as: UTF8.self)])
    }

    /// The name ipywidgets gives the model, without `Model`, and the plain-text stand-in's details.
    public var description: String {
        let name = state["_model_name"]?.stringValue.map { String($0.dropLast("Model".count)) } ?? "Widget"
        return "\(name)(\(summary))"
    }

    /// What the plain-text form shows between the parentheses.
    var summary: String { "" }

    /// `"IPY_MODEL_<id>"`, how another widget's state refers to this one.
    var reference: JSONValue { .string("IPY_MODEL_" + modelID) }

    /// Sends the current values of `keys` to the front end.
    func sendUpdate(_ keys: [String]) {
        guard !isClosed else { return }
        var changed: [String: JSONValue] = [:]
        for key in keys { changed[key] = state[key] ?? .null }
        WidgetComms.send(.commMessage(id: modelID, data: ["method": "update", "state": .object(changed), "buffer_paths": []]))
    }

    /// Sends the whole state (the answer to the front end's `request_state`).
    func sendState() {
        sendUpdate(Array(state.keys))
    }

    /// Applies a state update from the front end. Each widget accepts only the keys a person can change
    /// in its view, each of the right type; anything else is ignored with a note.
    func receive(state update: [String: JSONValue], silently: Bool) {
        for (key, value) in update.sorted(by: { $0.key < $1.key }) {
            if !accept(key: key, value: value, silently: silently) {
                WidgetComms.note("\(description) ignored '\(key)' = \(String(decoding: value.serializedBytes(), as: UTF8.self)) from the front end")
            }
        }
    }

    /// Takes one key of a front-end update; `false` when the key is not the front end's to set or its value
    /// has the wrong type.
    func accept(key: String, value: JSONValue, silently: Bool) -> Bool { false }

    /// A custom message from the front end (a button's click).
    func receive(custom content: JSONValue) {
        WidgetComms.note("\(description) has no use for custom messages")
    }

    func closedByFrontEnd() {
        isClosed = true
    }

    /// Closes the widget's comm; its views in the front end go away.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        WidgetComms.registry.withLock { _ = $0.widgets.removeValue(forKey: modelID) }
        WidgetComms.send(.commClose(id: modelID, data: [:]))
    }
}

// MARK: The state every widget shares

extension Widget {
    static let controls = "@jupyter-widgets/controls"
    static let base = "@jupyter-widgets/base"
    static let moduleVersion = "2.0.0"

    /// `_model_…`, `_view_…` and `_view_count`, as ipywidgets' `Widget` and `CoreWidget` send them.
    static func coreState(
        model: String, view: String, modelModule: String = controls, viewModule: String = controls,
        version: String = moduleVersion
    ) -> [String: JSONValue] {
        [
            "_model_module": .string(modelModule), "_model_module_version": .string(version),
            "_model_name": .string(model), "_view_count": .null, "_view_module": .string(viewModule),
            "_view_module_version": .string(version), "_view_name": .string(view),
        ]
    }

    /// A `DOMWidget`: core state, CSS classes, its own layout widget, `tabbable` and `tooltip`.
    static func domState(model: String, view: String, modelModule: String = controls, version: String = moduleVersion)
        -> [String: JSONValue]
    {
        var state = coreState(model: model, view: view, modelModule: modelModule, viewModule: modelModule, version: version)
        state["_dom_classes"] = []
        state["layout"] = WidgetLayout().reference
        state["tabbable"] = .null
        state["tooltip"] = .null
        return state
    }

    /// A `DescriptionWidget`: a DOM widget with a label and a style widget.
    static func describedState(model: String, view: String, description: String, style: WidgetStyle.Kind)
        -> [String: JSONValue]
    {
        var state = domState(model: model, view: view)
        state["description"] = .string(description)
        state["description_allow_html"] = false
        state["style"] = WidgetStyle(style).reference
        return state
    }
}

/// A widget's layout (ipywidgets' `Layout`): every CSS property unset.
final class WidgetLayout: Widget, @unchecked Sendable {
    static let properties = [
        "align_content", "align_items", "align_self", "border_bottom", "border_left", "border_right", "border_top",
        "bottom", "display", "flex", "flex_flow", "grid_area", "grid_auto_columns", "grid_auto_flow", "grid_auto_rows",
        "grid_column", "grid_gap", "grid_row", "grid_template_areas", "grid_template_columns", "grid_template_rows",
        "height", "justify_content", "justify_items", "left", "margin", "max_height", "max_width", "min_height",
        "min_width", "object_fit", "object_position", "order", "overflow", "padding", "right", "top", "visibility",
        "width",
    ]

    init() {
        var state = Widget.coreState(model: "LayoutModel", view: "LayoutView", modelModule: Widget.base, viewModule: Widget.base)
        for property in Self.properties { state[property] = .null }
        super.init(state: state)
    }
}

/// A control's style (ipywidgets' `SliderStyle`, `DescriptionStyle`, …), with its defaults.
final class WidgetStyle: Widget, @unchecked Sendable {
    enum Kind {
        case slider, description, checkbox, button, text
    }

    init(_ kind: Kind) {
        let model: String
        var extra: [String: JSONValue] = ["description_width": ""]
        switch kind {
        case .slider:
            model = "SliderStyleModel"
            extra["handle_color"] = .null
        case .description:
            model = "DescriptionStyleModel"
        case .checkbox:
            model = "CheckboxStyleModel"
            extra["background"] = .null
        case .button:
            model = "ButtonStyleModel"
            extra = [:]
            for key in ["button_color", "font_family", "font_size", "font_style", "font_variant", "font_weight", "text_color", "text_decoration"] {
                extra[key] = .null
            }
        case .text:
            model = "TextStyleModel"
            extra["background"] = .null
            extra["font_size"] = .null
            extra["text_color"] = .null
        }
        var state = Widget.coreState(model: model, view: "StyleView", viewModule: Widget.base)
        state.merge(extra) { _, new in new }
        super.init(state: state)
    }
}
