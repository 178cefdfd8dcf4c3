import NotebookJSON

extension Notebook {
    /// The notebook as nbformat 4.5 JSON, multiline strings split into lines as nbformat stores them.
    public var json: JSONValue {
        .object([
            "cells": .array(cells.map(\.json)),
            "metadata": .object(metadata),
            "nbformat": .number(Double(Notebook.formatMajor)),
            "nbformat_minor": .number(Double(Notebook.formatMinor)),
        ])
    }

    /// The file content nbformat would write: sorted keys, one-space indent, a final newline.
    public func serialized() -> String {
        json.serialized(.pretty(indent: 1)) + "\n"
    }

    /// The metadata with `kernelspec` and `language_info` set for Swift, other keys untouched.
    /// - Parameters:
    ///   - languageVersion: the Swift version for `language_info.version`, when known.
    /// - Returns: the notebook metadata an executed notebook carries.
    public func metadataForExecution(languageVersion: String?) -> [String: JSONValue] {
        var result = metadata
        result["kernelspec"] = .object([
            "display_name": "Swift (Inference)",
            "language": "swift",
            "name": "swift-inference",
        ])
        var info: [String: JSONValue] = [
            "name": "swift",
            "file_extension": ".swift",
            "mimetype": "text/x-swift",
            "pygments_lexer": "swift",
            "codemirror_mode": "swift",
        ]
        if let languageVersion { info["version"] = .string(languageVersion) }
        result["language_info"] = .object(info)
        return result
    }
}

extension Cell {
    /// The cell as nbformat 4.5 JSON.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "cell_type": .string(kind.rawValue),
            "id": .string(id),
            "metadata": .object(metadata),
            "source": MultilineText.split(source),
        ]
        switch kind {
        case .code:
            fields["execution_count"] = executionCount.map { .number(Double($0)) } ?? .null
            fields["outputs"] = .array(outputs.map(\.json))
        case .markdown, .raw:
            if let attachments { fields["attachments"] = attachments }
        }
        return .object(fields)
    }
}

extension Output {
    /// The output as nbformat JSON.
    public var json: JSONValue {
        switch self {
        case .stream(let name, let text):
            return ["output_type": "stream", "name": .string(name), "text": MultilineText.split(text)]
        case .displayData(let data, let metadata):
            return [
                "output_type": "display_data", "data": Output.splitBundle(data), "metadata": .object(metadata),
            ]
        case .executeResult(let count, let data, let metadata):
            return [
                "output_type": "execute_result", "data": Output.splitBundle(data), "metadata": .object(metadata),
                "execution_count": count.map { .number(Double($0)) } ?? .null,
            ]
        case .error(let name, let value, let traceback):
            return [
                "output_type": "error", "ename": .string(name), "evalue": .string(value),
                "traceback": .array(traceback.map { .string($0) }),
            ]
        }
    }

    static func splitBundle(_ data: [String: JSONValue]) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for (mime, content) in data {
            if case .string(let text) = content, MultilineText.isSplitMIMEType(mime) {
                out[mime] = MultilineText.split(text)
            } else {
                out[mime] = content
            }
        }
        return .object(out)
    }
}
