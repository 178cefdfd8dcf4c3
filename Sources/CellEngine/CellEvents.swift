import NotebookJSON

/// Which of a cell's output streams a piece of text came from.
public enum StreamName: String, Sendable, Hashable {
    case stdout
    case stderr
}

/// A rich output: a value's representations keyed by MIME type.
public struct DisplayOutput: Sendable, Hashable {
    /// MIME type → content; always contains `text/plain`.
    public var data: [String: String]
    /// Jupyter output metadata (usually empty).
    public var metadata: [String: JSONValue]
    /// The id given to `display(_:id:)`, for outputs that later updates replace.
    public var displayID: String?

    public init(data: [String: String], metadata: [String: JSONValue] = [:], displayID: String? = nil) {
        self.data = data
        self.metadata = metadata
        self.displayID = displayID
    }
}

/// Something a running cell produced, delivered in the order the cell produced it.
public enum CellEvent: Sendable, Hashable {
    /// Text written to standard output or standard error (decoded as UTF-8, invalid bytes replaced).
    case stream(StreamName, String)
    /// A value shown with `display(_:)` (Jupyter `display_data`).
    case display(DisplayOutput)
    /// A new version of an earlier display with the same `displayID` (Jupyter `update_display_data`).
    case updateDisplay(DisplayOutput)
    /// The cell cleared its output (`clearOutput(wait:)`).
    case clearOutput(wait: Bool)
    /// A widget opened, used or closed a comm to the front end.
    case comm(CommEvent)
}

/// A comm message from the worker to the front end (Jupyter `comm_open`, `comm_msg`, `comm_close`).
public enum CommEvent: Sendable, Hashable {
    case open(id: String, target: String, data: JSONValue, metadata: JSONValue)
    case message(id: String, data: JSONValue)
    case close(id: String, data: JSONValue)

    /// The comm's id.
    public var id: String {
        switch self {
        case .open(let id, _, _, _), .message(let id, _), .close(let id, _): id
        }
    }
}

/// A comm message from the front end for a widget in the worker.
public enum CommDelivery: Sendable, Hashable {
    /// `comm_msg`: its `data` (an object; `method` says what it is).
    case message(id: String, data: JSONValue)
    /// `comm_close`.
    case close(id: String)
}

/// A running cell asks for a line of input (`readLine()` or `input(_:)`).
public struct InputRequest: Sendable, Hashable {
    public var prompt: String
    public var password: Bool

    public init(prompt: String, password: Bool) {
        self.prompt = prompt
        self.password = password
    }
}

/// How a cell succeeded.
public struct CellSuccess: Sendable, Hashable {
    /// The value of the cell's last expression when it is not `Void` (Jupyter `execute_result`).
    public var result: DisplayOutput?

    public init(result: DisplayOutput?) {
        self.result = result
    }
}

/// Why a cell failed. Earlier cells' state survives every kind of failure.
public struct CellFailure: Error, Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// The cell did not compile; nothing of it was run or defined.
        case compileError
        /// A Swift error was thrown at the top level of the cell.
        case thrownError
        /// The cell trapped (`fatalError`, index out of range, nil unwrap, overflow, …) or was killed
        /// by a signal; the worker was replaced and earlier cells were restored.
        case crash
        /// The cell was interrupted; the worker was replaced and earlier cells were restored.
        case interrupted
        /// The cell ran longer than its time limit and was stopped as for an interrupt.
        case timedOut
    }

    public var kind: Kind
    /// A short name for the failure (Jupyter `ename`): `CompileError`, the thrown error's type, `Fatal error`,
    /// `Interrupted`, `Timeout`.
    public var name: String
    /// A one-line description (Jupyter `evalue`).
    public var message: String
    /// The full report, one entry per line, as a front end shows it (Jupyter `traceback`).
    public var traceback: [String]

    public init(kind: Kind, name: String, message: String, traceback: [String]) {
        self.kind = kind
        self.name = name
        self.message = message
        self.traceback = traceback
    }
}

/// Options for one execution.
public struct ExecuteOptions: Sendable, Hashable {
    /// Stop the cell (as for an interrupt) after this long; `nil` means no limit.
    public var timeout: Duration?

    public init(timeout: Duration? = nil) {
        self.timeout = timeout
    }
}

/// A top-level name that a successful cell declared, for completion and inspection.
public struct CellDeclaration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case constant, variable, function, structure, `class`, enumeration, `protocol`, actor, typeAlias,
            `operator`, macro
    }

    public var name: String
    public var kind: Kind
    /// The declaration's header as written, without its body, e.g. `func f(x: Int) -> Int`.
    public var signature: String
    /// The doc comment above it (without `///`), if any.
    public var documentation: String?
    /// The 1-based number of the execution that declared it.
    public var executionIndex: Int
    /// For variables and constants: the dynamic type's name as the worker saw it after the cell ran.
    public var typeName: String?

    public init(
        name: String, kind: Kind, signature: String, documentation: String?, executionIndex: Int, typeName: String?
    ) {
        self.name = name
        self.kind = kind
        self.signature = signature
        self.documentation = documentation
        self.executionIndex = executionIndex
        self.typeName = typeName
    }
}

/// Where one cell's time went, for the latency benchmark. Phases the cell did not need stay zero (a cell
/// from the cache has no compile phases).
public struct CellTimings: Sendable, Hashable {
    /// Parsing the cell with swift-syntax.
    public var analyse: Duration = .zero
    /// Writing the module source and publishing the build into the cache.
    public var generate: Duration = .zero
    /// The front end: type-check and code generation of the object and module.
    public var frontend: Duration = .zero
    /// Listing the libraries the object asks for.
    public var autolink: Duration = .zero
    /// Linking the shared library.
    public var link: Duration = .zero
    /// From the run command to the worker's `done`: load, run and the frames back.
    public var run: Duration = .zero
    /// Everything, from the call to the result.
    public var total: Duration = .zero

    public init() {}
}
