import NotebookJSON

/// The JSON summary of a batch (`--summary FILE`): one entry per notebook with its status, exit code,
/// timings, the failing cell and any `--check` mismatches.
public enum SummaryReport {
    /// The summary document.
    /// - Parameters:
    ///   - result: the batch.
    /// - Returns: the JSON value (write it with `serialized(.pretty(indent: 2))`).
    public static func json(_ result: BatchResult) -> JSONValue {
        var notebooks: [JSONValue] = []
        for item in result.notebooks {
            var entry: [String: JSONValue] = [
                "input": .string(item.input),
                "status": .string(item.outcome.rawValue),
                "exit_code": .number(Double(item.outcome.exitCode.rawValue)),
            ]
            if let output = item.output { entry["output"] = .string(output) }
            if let html = item.htmlOutput { entry["html"] = .string(html) }
            if let message = item.message { entry["message"] = .string(message) }
            if let run = item.run {
                entry["duration_seconds"] = .number(rounded(run.duration.seconds))
                entry["cells"] = .array(
                    run.cells.map { record in
                        var cell: [String: JSONValue] = [
                            "index": .number(Double(record.index)),
                            "id": .string(record.id),
                            "status": .string(record.status.rawValue),
                            "duration_seconds": .number(rounded(record.duration.seconds)),
                            "execution_count": record.executionCount.map { .number(Double($0)) } ?? .null,
                        ]
                        if let failure = record.failure {
                            cell["error"] = [
                                "kind": .string(failure.kind.rawValue), "ename": .string(failure.name),
                                "evalue": .string(failure.message),
                            ]
                        }
                        return .object(cell)
                    })
                if let stop = run.stoppingCell, let failure = stop.failure {
                    entry["failed_cell"] = [
                        "index": .number(Double(stop.index)), "id": .string(stop.id),
                        "kind": .string(failure.kind.rawValue), "ename": .string(failure.name),
                        "evalue": .string(failure.message),
                    ]
                }
            }
            if !item.mismatches.isEmpty {
                entry["mismatched_cells"] = .array(
                    item.mismatches.map {
                        ["index": .number(Double($0.index)), "id": .string($0.id), "diff": .string($0.diff)]
                    })
            }
            notebooks.append(.object(entry))
        }
        var top: [String: JSONValue] = [
            "exit_code": .number(Double(result.exitCode.rawValue)),
            "status": .string(result.exitCode.meaning),
            "duration_seconds": .number(rounded(result.duration.seconds)),
            "notebooks": .array(notebooks),
        ]
        if let shard = result.shard {
            top["shard"] = ["index": .number(Double(shard.index)), "count": .number(Double(shard.count))]
        }
        if !result.inputErrors.isEmpty {
            top["input_errors"] = .array(result.inputErrors.map { .string($0.description) })
        }
        return .object(top)
    }

    static func rounded(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }
}
