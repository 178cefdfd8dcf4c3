import Synchronization
internal import NotebookJSON
internal import WorkerProtocol

internal import SystemLibC

/// The worker's side of the Jupyter comms that widgets use: which comm id belongs to which widget, how
/// ids are made, and how a message from the front end reaches its widget.
///
/// Ids are deterministic: the session's prefix, the execution number of the cell that made the widget
/// and the widget's place among that cell's widgets. A cell run again after a worker crash (the engine
/// replays the earlier cells) therefore makes its widgets under the same ids, and the front end's views,
/// still bound to those comms, talk to the new widgets. Widgets made inside a callback get ids from the
/// callback's number instead (callbacks are not replayed).
enum WidgetComms {
    /// The target every widget comm opens.
    static let widgetTarget = "jupyter.widget"
    /// The widget protocol version sent in each `comm_open`'s metadata.
    static let protocolVersion = "2.1.0"

    struct Registry {
        var widgets: [String: Widget] = [:]
        /// The session's prefix for ids (16 hex digits), set by the engine with each cell.
        var prefix = ""
        /// The cell (execution number) or callback now running, and how many widgets it has made.
        var context: UInt64 = 0
        var made: UInt64 = 0
        var callbacks: UInt64 = 0
        /// Outputs collected by `Output.capture`, innermost last.
        var captures: [[JSONValue]] = []
    }

    static let registry = Mutex(Registry())

    /// The id of a new widget.
    static func nextID() -> String {
        registry.withLock { registry in
            registry.made += 1
            let prefix = registry.prefix.isEmpty ? randomHex(16) : registry.prefix
            return prefix + hex(registry.context, width: 8) + hex(registry.made, width: 8)
        }
    }

    static func register(_ widget: Widget) {
        registry.withLock { $0.widgets[widget.modelID] = widget }
    }

    static func widget(_ id: String) -> Widget? {
        registry.withLock { $0.widgets[id] }
    }

    static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value & 0xFFFF_FFFF, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func randomHex(_ count: Int) -> String {
        var text = ""
        while text.count < count { text += hex(UInt64(UInt32.random(in: .min ... .max)), width: 8) }
        return String(text.prefix(count))
    }

    static func send(_ frame: WorkerFrame) {
        guard Channel.isConnected else { return }
        Channel.send(frame)
    }

    /// A note on the cell's standard error (the engine shows it with the cell or the comm message).
    static func note(_ text: String) {
        let bytes = Array("swift-inference widgets: \(text)\n".utf8)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    // MARK: Messages from the front end

    /// The message the engine handed over for the next dispatch, as JSON text.
    static let pending = Mutex<[UInt8]?>(nil)
    /// Errors thrown by callbacks during the current dispatch, reported once it ends.
    static let callbackErrors = Mutex<[(type: String, description: String)]>([])

    static func recordCallbackError(_ error: any Error) {
        let type = CellNames.strip(String(reflecting: Swift.type(of: error)))
        let description = CellNames.strip(String(describing: error))
        callbackErrors.withLock { $0.append((type, description)) }
        note("a widget callback threw \(type): \(description)")
    }

    /// Runs one message from the front end: `{"comm_id": …, "data": {…}}`, or with `"close": true` for a
    /// `comm_close`, or with `"sync": true` to set state silently (no callbacks run) after a replay.
    static func dispatch(_ text: [UInt8]) {
        let message: JSONValue
        do {
            message = try JSONValue(parsing: text)
        } catch {
            note("dropped a comm message that is not JSON: \(error)")
            return
        }
        guard let id = message["comm_id"]?.stringValue else {
            note("dropped a comm message without a comm_id")
            return
        }
        guard let widget = widget(id) else {
            note("no widget has comm id \(id); the message was dropped")
            return
        }
        if message["close"]?.boolValue == true {
            registry.withLock { _ = $0.widgets.removeValue(forKey: id) }
            widget.closedByFrontEnd()
            return
        }
        guard let data = message["data"]?.objectValue else {
            note("dropped a message for widget \(id): its data is not an object")
            return
        }
        let silent = message["sync"]?.boolValue == true
        switch data["method"]?.stringValue {
        case "update":
            guard let state = data["state"]?.objectValue else {
                note("dropped an update for widget \(id): its state is not an object")
                return
            }
            widget.receive(state: state, silently: silent)
        case "request_state":
            widget.sendState()
        case "custom":
            widget.receive(custom: data["content"] ?? .null)
        case let other:
            note("dropped a message for widget \(id) with unknown method \(other.map { "'\($0)'" } ?? "(none)")")
        }
    }
}

// MARK: Entry points the worker calls

/// Starts a cell's context for widget ids: its execution number and the session's id prefix.
@_cdecl("swift_inference_begin_cell")
public func _beginWidgetCell(_ execution: Int, _ prefix: UnsafePointer<CChar>) {
    let text = String(cString: prefix)
    WidgetComms.registry.withLock { registry in
        if !text.isEmpty { registry.prefix = text }
        registry.context = UInt64(max(0, execution))
        registry.made = 0
    }
}

/// Keeps a comm message from the engine for the dispatch that follows.
@_cdecl("swift_inference_comm_receive")
public func _receiveComm(_ json: UnsafePointer<CChar>) {
    let text = Array(String(cString: json).utf8)
    WidgetComms.pending.withLock { $0 = text }
}

/// Runs the kept comm message, on the cell thread the worker starts for it (like a cell's entry point).
/// When callbacks threw, the first error is reported as the run's error.
@_cdecl("swift_inference_comm_dispatch")
public func _dispatchComm(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guard let text = WidgetComms.pending.withLock({ pending -> [UInt8]? in
        defer { pending = nil }
        return pending
    }) else { return 0 }
    WidgetComms.callbackErrors.withLock { $0.removeAll() }
    WidgetComms.registry.withLock { registry in
        registry.callbacks += 1
        // Widgets made by a callback: the top bit marks the callback's number, apart from cells'.
        registry.context = 0x8000_0000 | (registry.callbacks & 0x7FFF_FFFF)
        registry.made = 0
    }
    WidgetComms.dispatch(text)
    fflush(nil)
    if let first = WidgetComms.callbackErrors.withLock({ $0.first }) {
        Channel.send(.thrown(type: first.type, description: first.description))
    }
    return 0
}
