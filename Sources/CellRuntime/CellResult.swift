internal import WorkerProtocol

// The engine appends ` |~>> _cellResult` to the last expression of a cell, after its last token, so
// that the expression keeps its place and its columns in the cell (diagnostics point at the student's
// own text) while its value reaches the notebook. The operator binds more loosely than anything else,
// assignment included, so it always takes the whole expression.

precedencegroup CellResultPrecedence {
    associativity: left
    lowerThan: AssignmentPrecedence, TernaryPrecedence
}

infix operator |~>> : CellResultPrecedence

/// The right-hand side of the result operator; carries nothing.
public struct CellResultSink: Sendable {
    public init() {}
}

/// The sink the engine's generated code names.
public let _cellResult = CellResultSink()

/// Records a cell's last value as its result.
public func |~>> <Value>(value: Value, sink: CellResultSink) {
    recordResult(mimeBundle(of: value))
}

/// `Void` expressions (calls of functions that return nothing, assignments) have no result.
public func |~>> (value: Void, sink: CellResultSink) {}

/// Optional chaining on a `Void` method (`object?.update()`) has no result either.
public func |~>> (value: Void?, sink: CellResultSink) {}

func recordResult(_ bundle: MIMEBundle) {
    guard Channel.isConnected else {
        print(bundle.plainText)
        return
    }
    Channel.send(.result(data: bundle.representations))
}

/// Reports the dynamic types of the top-level values a cell declared, for completion after a `.`.
/// Called by the engine's generated code at the end of a cell that ran to completion.
public func _cellReportTypes(_ pairs: KeyValuePairs<String, Any.Type>) {
    guard Channel.isConnected else { return }
    var types: [String: String] = [:]
    for (name, type) in pairs {
        types[name] = CellNames.strip(String(reflecting: type)).replacingStandardLibraryQualifiers()
    }
    Channel.send(.types(types))
}

extension String {
    /// `Swift.Array<Swift.Int>` → `Array<Int>`: the standard library's qualifier says nothing to a reader.
    func replacingStandardLibraryQualifiers() -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: "Swift.") {
            let before = rest[..<range.lowerBound]
            out += before
            let previous = before.last ?? out.last
            if let previous, previous.isLetter || previous.isNumber || previous == "_" || previous == "." {
                out += "Swift."
            }
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
