internal import NotebookJSON

/// A widget whose body shows outputs (ipywidgets' `Output`): what `capture` collects — values passed to
/// `display(_:)` inside it and the value its closure returns — replaces what it showed before.
///
/// The outputs travel in the widget's `outputs` state, so they show in the front end, survive in a
/// saved notebook's widget state, and need no message ids.
public final class Output: Widget, @unchecked Sendable {
    public init() {
        var state = Widget.domState(
            model: "OutputModel", view: "OutputView", modelModule: "@jupyter-widgets/output", version: "1.0.0")
        state["msg_id"] = ""
        state["outputs"] = []
        super.init(state: state)
    }

    /// Runs `body` and shows what it displays, and its value unless it is `Void`, in place of the widget's
    /// earlier outputs. An error `body` throws shows as an error output (and is reported with the comm
    /// message when a callback ran it); the widget stays usable.
    public func capture<Result>(_ body: () throws -> Result) {
        WidgetComms.registry.withLock { $0.captures.append([]) }
        var failure: (any Error)?
        var returned: Result?
        do {
            returned = try body()
        } catch {
            failure = error
        }
        var outputs = WidgetComms.registry.withLock { $0.captures.popLast() ?? [] }
        if let returned, Result.self != Void.self, Result.self != Void?.self {
            outputs.append(Output.displayData(CellRuntime.mimeBundle(of: returned)))
        }
        if let failure {
            let type = CellNames.strip(String(reflecting: Swift.type(of: failure)))
            let text = CellNames.strip(String(describing: failure))
            outputs.append([
                "output_type": "error", "ename": .string(type), "evalue": .string(text),
                "traceback": [.string("\(type): \(text)")],
            ])
            WidgetComms.recordCallbackError(failure)
        }
        state["outputs"] = .array(outputs)
        sendUpdate(["outputs"])
    }

    /// Shows `text` as the widget's only output.
    public func show(text: String) {
        state["outputs"] = [["output_type": "stream", "name": "stdout", "text": .string(text)]]
        sendUpdate(["outputs"])
    }

    /// Removes every output.
    public func clear() {
        state["outputs"] = []
        sendUpdate(["outputs"])
    }

    /// How many outputs the widget shows.
    public var outputCount: Int { state["outputs"]?.arrayValue?.count ?? 0 }

    /// An nbformat `display_data` output for a bundle: JSON MIME types as JSON, the rest as text.
    static func displayData(_ bundle: MIMEBundle) -> JSONValue {
        var data: [String: JSONValue] = [:]
        for (mime, content) in bundle.representations {
            if mime == "application/json" || mime.hasSuffix("+json"), let parsed = try? JSONValue(parsing: Array(content.utf8)) {
                data[mime] = parsed
            } else {
                data[mime] = .string(content)
            }
        }
        return ["output_type": "display_data", "data": .object(data), "metadata": [:]]
    }

    /// Takes a display made while a capture runs; `false` when none runs.
    static func takeDisplay(_ bundle: MIMEBundle, clear: Bool = false) -> Bool {
        WidgetComms.registry.withLock { registry in
            guard !registry.captures.isEmpty else { return false }
            if clear {
                registry.captures[registry.captures.count - 1].removeAll()
            } else {
                registry.captures[registry.captures.count - 1].append(displayData(bundle))
            }
            return true
        }
    }

    override var summary: String { "outputs=\(outputCount)" }
}

/// Widgets laid out together: what `HBox` and `VBox` share (ipywidgets' `Box`).
public class Box: Widget, @unchecked Sendable {
    /// The widgets in the box, in order.
    public let children: [Widget]

    init(_ children: [Widget], model: String, view: String) {
        self.children = children
        var state = Widget.domState(model: model, view: view)
        state["box_style"] = ""
        state["children"] = .array(children.map(\.reference))
        super.init(state: state)
    }

    override var summary: String { "children=\(children.count)" }
}

/// Widgets side by side (ipywidgets' `HBox`).
public final class HBox: Box, @unchecked Sendable {
    public init(_ children: [Widget]) { super.init(children, model: "HBoxModel", view: "HBoxView") }
    public convenience init(_ children: Widget...) { self.init(children) }
}

/// Widgets one above the other (ipywidgets' `VBox`).
public final class VBox: Box, @unchecked Sendable {
    public init(_ children: [Widget]) { super.init(children, model: "VBoxModel", view: "VBoxView") }
    public convenience init(_ children: Widget...) { self.init(children) }
}
