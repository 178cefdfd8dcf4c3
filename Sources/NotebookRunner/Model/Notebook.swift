import NotebookJSON

/// A Jupyter notebook in the nbformat 4.5 shape: notebook metadata and an ordered list of cells.
///
/// Reading accepts nbformat 4.0–4.5 and upgrades to 4.5 (adding cell ids); writing always produces 4.5.
/// Metadata is kept as JSON so that keys the runner does not know about survive a round trip.
public struct Notebook: Sendable, Hashable {
    /// The notebook's metadata (`kernelspec`, `language_info`, anything else).
    public var metadata: [String: JSONValue]
    /// The cells, in order.
    public var cells: [Cell]

    /// A notebook with the given cells and metadata.
    /// - Parameters:
    ///   - cells: the cells, in order.
    ///   - metadata: notebook metadata; empty by default.
    public init(cells: [Cell], metadata: [String: JSONValue] = [:]) {
        self.cells = cells
        self.metadata = metadata
    }

    /// The nbformat major version the runner reads and writes.
    public static let formatMajor = 4
    /// The nbformat minor version the runner writes.
    public static let formatMinor = 5
}

/// One notebook cell: code, markdown or raw text.
public struct Cell: Sendable, Hashable {
    /// The three nbformat cell types.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case code
        case markdown
        case raw
    }

    /// The cell id (nbformat 4.5): 1–64 characters from `a-z A-Z 0-9 - _`, unique in the notebook.
    public var id: String
    /// What kind of cell this is.
    public var kind: Kind
    /// The cell's text, lines joined.
    public var source: String
    /// Cell metadata (`tags`, `execution` timing, anything else).
    public var metadata: [String: JSONValue]
    /// Markdown and raw cells' attachments, kept as they were read.
    public var attachments: JSONValue?
    /// Code cells: the execution counter, or `nil` when the cell has not run.
    public var executionCount: Int?
    /// Code cells: the outputs, in order.
    public var outputs: [Output]

    /// A cell.
    /// - Parameters:
    ///   - id: the cell id; must be unique in its notebook.
    ///   - kind: code, markdown or raw.
    ///   - source: the cell's text.
    ///   - metadata: cell metadata.
    ///   - executionCount: for code cells, the execution counter.
    ///   - outputs: for code cells, the outputs.
    public init(
        id: String, kind: Kind, source: String, metadata: [String: JSONValue] = [:], executionCount: Int? = nil,
        outputs: [Output] = [], attachments: JSONValue? = nil
    ) {
        self.id = id
        self.kind = kind
        self.source = source
        self.metadata = metadata
        self.executionCount = executionCount
        self.outputs = outputs
        self.attachments = attachments
    }

    /// The cell's tags (`metadata.tags`), empty when there are none.
    public var tags: [String] {
        get { metadata["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        set { metadata["tags"] = newValue.isEmpty ? nil : .array(newValue.map { .string($0) }) }
    }

    /// Whether the cell has the tag `tag`.
    public func hasTag(_ tag: String) -> Bool { tags.contains(tag) }
}

/// One output of a code cell, stored the way nbformat stores it.
public enum Output: Sendable, Hashable {
    /// Text written to `stdout` or `stderr`.
    case stream(name: String, text: String)
    /// A value shown with `display(_:)`: MIME type → content (text joined; JSON types as JSON).
    case displayData(data: [String: JSONValue], metadata: [String: JSONValue])
    /// The value of a cell's last expression.
    case executeResult(executionCount: Int?, data: [String: JSONValue], metadata: [String: JSONValue])
    /// A failure: its name, one-line description and full report.
    case error(name: String, value: String, traceback: [String])

    /// The nbformat `output_type`.
    public var outputType: String {
        switch self {
        case .stream: "stream"
        case .displayData: "display_data"
        case .executeResult: "execute_result"
        case .error: "error"
        }
    }
}
