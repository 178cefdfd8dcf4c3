public import NotebookJSON

/// One structured record from the worker to the engine.
///
/// The worker (its `ready`, `started` and `done`), the cell runtime (displays, the result, input requests)
/// and the engine (which reads them) all use this type, and it is turned into JSON and back only here, so
/// a misspelt tag cannot become a silent protocol bug. On the wire a frame is a compact JSON object whose
/// member `t` names the case, e.g. `{"t":"clear","wait":false}`; see `envelope(_:nonce:)` for how frames
/// travel among the text a cell prints.
public enum WorkerFrame: Sendable, Hashable {
    /// The worker has loaded the support library and takes commands.
    case ready
    /// The worker took a `run` command; sent at once, so the engine can tell a lost command from a long cell.
    case started
    /// A value shown with `display(_:id:)`: its representations by MIME type, and the id later updates use.
    case display(data: [String: String], id: String?)
    /// A new version of the display shown earlier under `id`.
    case update(data: [String: String], id: String?)
    /// The cell cleared its output; with `wait`, only when the next output arrives.
    case clear(wait: Bool)
    /// The value of the cell's last expression.
    case result(data: [String: String])
    /// The runtime types of the cell's top-level variables, by name.
    case types([String: String])
    /// An error thrown at the top level of the cell.
    case thrown(type: String, description: String)
    /// The cell asks for a line of input; the engine answers on the worker's command pipe.
    case input(prompt: String, password: Bool)
    /// The `run`-th cell this worker took has ended (also written, one per line, on the status pipe).
    case done(run: Int, end: CellEnd)
    /// A widget opened a comm to the front end (Jupyter `comm_open`): its id, target, data and metadata.
    case commOpen(id: String, target: String, data: JSONValue, metadata: JSONValue)
    /// A message on an open comm (Jupyter `comm_msg`), e.g. a widget's state `update`.
    case commMessage(id: String, data: JSONValue)
    /// The worker closed a comm (Jupyter `comm_close`).
    case commClose(id: String, data: JSONValue)

    /// How a cell's run ended, as the worker saw it.
    public enum CellEnd: Sendable, Hashable {
        /// The cell ran to its end.
        case finished
        /// The cell called `exit` with this status.
        case exited(status: Int32)
        /// The cell's library could not be loaded, or has no entry point (the worker says why on stderr).
        case notLoaded
        /// The cell was abandoned part-way: it threw at the top level (a `thrown` frame came first).
        case abandoned
    }
}

/// Why bytes are not a valid `WorkerFrame`; its description names the frame type and member at fault.
public struct WorkerFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

// MARK: Encoding

extension WorkerFrame {
    /// The tag in member `t`.
    public var tag: String {
        switch self {
        case .ready: "ready"
        case .started: "started"
        case .display: "display"
        case .update: "update"
        case .clear: "clear"
        case .result: "result"
        case .types: "types"
        case .thrown: "thrown"
        case .input: "input"
        case .done: "done"
        case .commOpen: "comm_open"
        case .commMessage: "comm_msg"
        case .commClose: "comm_close"
        }
    }

    /// The frame as a JSON object.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["t": .string(tag)]
        switch self {
        case .ready, .started:
            break
        case .display(let data, let id), .update(let data, let id):
            members["data"] = .object(data.mapValues(JSONValue.string))
            if let id { members["id"] = .string(id) }
        case .clear(let wait):
            members["wait"] = .bool(wait)
        case .result(let data):
            members["data"] = .object(data.mapValues(JSONValue.string))
        case .types(let types):
            members["types"] = .object(types.mapValues(JSONValue.string))
        case .thrown(let type, let description):
            members["type"] = .string(type)
            members["description"] = .string(description)
        case .input(let prompt, let password):
            members["prompt"] = .string(prompt)
            members["password"] = .bool(password)
        case .done(let run, let end):
            members["n"] = .number(Double(run))
            members["ok"] = .bool(end == .finished)
            if case .exited(let status) = end { members["exit"] = .number(Double(status)) }
            if end == .notLoaded { members["load"] = true }
        case .commOpen(let id, let target, let data, let metadata):
            members["id"] = .string(id)
            members["target"] = .string(target)
            members["data"] = data
            members["metadata"] = metadata
        case .commMessage(let id, let data), .commClose(let id, let data):
            members["id"] = .string(id)
            members["data"] = data
        }
        return .object(members)
    }

    /// The frame's JSON text, compact: it never contains a newline or a control character.
    public var encoded: [UInt8] { json.serializedBytes() }
}

// MARK: Decoding

extension WorkerFrame {
    /// Reads a frame from its JSON text.
    /// - Throws: `WorkerFrameError` for text that is not JSON or not a frame.
    public init(decoding bytes: [UInt8]) throws(WorkerFrameError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw WorkerFrameError("a worker frame is not JSON: \(error)")
        }
        try self.init(json: value)
    }

    /// Reads a frame from a JSON value.
    /// - Throws: `WorkerFrameError` naming the tag or member that is missing, unknown or of the wrong type.
    public init(json: JSONValue) throws(WorkerFrameError) {
        guard case .object(let object) = json else {
            throw WorkerFrameError("a worker frame must be a JSON object, not \(Members.kind(of: json))")
        }
        guard let tagValue = object["t"] else { throw WorkerFrameError("a worker frame has no member 't' naming its type") }
        guard case .string(let tag) = tagValue else {
            throw WorkerFrameError("member 't' of a worker frame must be a string, not \(Members.kind(of: tagValue))")
        }
        let members = Members(object: object, tag: tag)
        switch tag {
        case "ready": self = .ready
        case "started": self = .started
        case "display": self = .display(data: try members.stringMap("data"), id: try members.optionalString("id"))
        case "update": self = .update(data: try members.stringMap("data"), id: try members.optionalString("id"))
        case "clear": self = .clear(wait: try members.bool("wait"))
        case "result": self = .result(data: try members.stringMap("data"))
        case "types": self = .types(try members.stringMap("types"))
        case "thrown": self = .thrown(type: try members.string("type"), description: try members.string("description"))
        case "input": self = .input(prompt: try members.string("prompt"), password: try members.bool("password"))
        case "done":
            let run = try members.integer("n")
            if try members.bool("ok") {
                self = .done(run: run, end: .finished)
            } else if object["exit"] != nil {
                let status = try members.integer("exit")
                guard let narrow = Int32(exactly: status) else {
                    throw WorkerFrameError("member 'exit' of a 'done' worker frame is out of range: \(status)")
                }
                self = .done(run: run, end: .exited(status: narrow))
            } else if object["load"] != nil, try members.bool("load") {
                self = .done(run: run, end: .notLoaded)
            } else {
                self = .done(run: run, end: .abandoned)
            }
        case "comm_open":
            self = .commOpen(
                id: try members.string("id"), target: try members.string("target"), data: try members.object("data"),
                metadata: try members.object("metadata"))
        case "comm_msg": self = .commMessage(id: try members.string("id"), data: try members.object("data"))
        case "comm_close": self = .commClose(id: try members.string("id"), data: try members.object("data"))
        default:
            throw WorkerFrameError("unknown worker frame type '\(tag)'")
        }
    }

    /// Typed access to a frame's members, with errors that say which member of which frame is wrong.
    private struct Members {
        let object: [String: JSONValue]
        let tag: String

        func value(_ key: String) throws(WorkerFrameError) -> JSONValue {
            guard let value = object[key] else { throw WorkerFrameError("member '\(key)' of a '\(tag)' worker frame is missing") }
            return value
        }

        func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> WorkerFrameError {
            WorkerFrameError("member '\(key)' of a '\(tag)' worker frame must be \(expected), not \(Members.kind(of: found))")
        }

        func string(_ key: String) throws(WorkerFrameError) -> String {
            let found = try value(key)
            guard case .string(let text) = found else { throw wrongType(key, "a string", found) }
            return text
        }

        func optionalString(_ key: String) throws(WorkerFrameError) -> String? {
            guard let found = object[key], !found.isNull else { return nil }
            guard case .string(let text) = found else { throw wrongType(key, "a string", found) }
            return text
        }

        func bool(_ key: String) throws(WorkerFrameError) -> Bool {
            let found = try value(key)
            guard case .bool(let flag) = found else { throw wrongType(key, "a boolean", found) }
            return flag
        }

        func integer(_ key: String) throws(WorkerFrameError) -> Int {
            let found = try value(key)
            guard let number = found.intValue else { throw wrongType(key, "an integer", found) }
            return number
        }

        /// A member that must be a JSON object, returned as it is.
        func object(_ key: String) throws(WorkerFrameError) -> JSONValue {
            let found = try value(key)
            guard case .object = found else { throw wrongType(key, "an object", found) }
            return found
        }

        func stringMap(_ key: String) throws(WorkerFrameError) -> [String: String] {
            let found = try value(key)
            guard case .object(let entries) = found else { throw wrongType(key, "an object", found) }
            var map: [String: String] = [:]
            for (name, entry) in entries {
                guard case .string(let text) = entry else {
                    throw WorkerFrameError(
                        "member '\(key)' of a '\(tag)' worker frame: the value of '\(name)' must be a string, not \(Members.kind(of: entry))")
                }
                map[name] = text
            }
            return map
        }

        static func kind(of value: JSONValue) -> String {
            switch value {
            case .null: "null"
            case .bool: "a boolean"
            case .number(let n): n.rounded() == n ? "an integer" : "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }
}

// MARK: The envelope

extension WorkerFrame {
    /// Frames share the worker's standard output with the text cells print, so each one is wrapped:
    /// `RS RS "SWINF" <nonce> ":" <byte count> ":" <JSON>`. The nonce is a per-worker secret the engine
    /// passes in `SWIFT_INFERENCE_CHANNEL`, so a cell cannot forge a frame by printing one.
    public static func envelopeHeader(nonce: String) -> [UInt8] {
        [0x1E, 0x1E] + Array("SWINF\(nonce):".utf8)
    }

    /// The frame wrapped for the worker's standard output.
    public func envelope(nonce: String) -> [UInt8] {
        let payload = encoded
        return WorkerFrame.envelopeHeader(nonce: nonce) + Array("\(payload.count):".utf8) + payload
    }
}
