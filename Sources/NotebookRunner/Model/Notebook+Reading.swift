import NotebookJSON

extension Notebook {
    /// Reads and validates a notebook from its JSON bytes.
    ///
    /// Accepts nbformat 4.0–4.5; cells without an id (nbformat < 4.5) get a deterministic one, duplicate
    /// ids are replaced, and the result is a 4.5 notebook. Fields are checked against what nbformat's
    /// schema requires; keys the runner does not know about are kept.
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - file: the file's name, used in error messages.
    /// - Returns: the notebook.
    /// - Throws: `NotebookError` naming the file, where in it, and what is wrong (`notJSON`,
    ///   `unsupportedVersion`, `missingField`, `invalidField`).
    public init(jsonBytes bytes: [UInt8], file: String? = nil) throws(NotebookError) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            throw NotebookError(.notJSON, file: file, "not a JSON file (\(error.description))")
        }
        do {
            self = try Notebook(json: root)
        } catch {
            throw file.map { error.inFile($0) } ?? error
        }
    }

    /// Reads and validates a notebook from a parsed JSON document; see `init(jsonBytes:file:)`.
    /// - Parameters:
    ///   - root: the document.
    /// - Throws: `NotebookError` saying where and what is wrong.
    public init(json root: JSONValue) throws(NotebookError) {
        guard case .object(let top) = root else {
            throw NotebookError(.invalidField, "the document is not a JSON object, so not a notebook")
        }
        guard let majorValue = top["nbformat"] else {
            throw NotebookError(.missingField, at: "nbformat", "missing field 'nbformat' (is this a notebook?)")
        }
        guard let major = majorValue.intValue else {
            throw NotebookError(.invalidField, at: "nbformat", "'nbformat' must be an integer")
        }
        guard major == Notebook.formatMajor else {
            throw NotebookError(
                .unsupportedVersion, at: "nbformat",
                "nbformat \(major) is not supported; the runner reads nbformat 4 (convert with `jupyter nbconvert --to notebook`)"
            )
        }
        guard let minorValue = top["nbformat_minor"] else {
            throw NotebookError(.missingField, at: "nbformat_minor", "missing field 'nbformat_minor'")
        }
        guard let minor = minorValue.intValue, minor >= 0 else {
            throw NotebookError(.invalidField, at: "nbformat_minor", "'nbformat_minor' must be a non-negative integer")
        }
        guard let metadataValue = top["metadata"] else {
            throw NotebookError(.missingField, at: "metadata", "missing field 'metadata'")
        }
        guard case .object(let metadata) = metadataValue else {
            throw NotebookError(.invalidField, at: "metadata", "'metadata' must be an object")
        }
        guard let cellsValue = top["cells"] else {
            throw NotebookError(.missingField, at: "cells", "missing field 'cells'")
        }
        guard case .array(let cellValues) = cellsValue else {
            throw NotebookError(.invalidField, at: "cells", "'cells' must be an array")
        }
        var cells: [Cell] = []
        cells.reserveCapacity(cellValues.count)
        for (index, value) in cellValues.enumerated() {
            cells.append(try Cell(json: value, location: "cells[\(index)]"))
        }
        // Ids: keep valid unique ones, give the others deterministic fresh ones.
        var seen = Set<String>()
        var needsID: [Int] = []
        for index in cells.indices {
            let id = cells[index].id
            if CellID.isValid(id), !seen.contains(id) {
                seen.insert(id)
            } else {
                needsID.append(index)
            }
        }
        for index in needsID {
            let id = CellID.generate(index: index, source: cells[index].source, avoiding: seen)
            cells[index].id = id
            seen.insert(id)
        }
        self.init(cells: cells, metadata: metadata)
    }
}

extension Cell {
    init(json value: JSONValue, location: String) throws(NotebookError) {
        guard case .object(let fields) = value else {
            throw NotebookError(.invalidField, at: location, "a cell must be a JSON object")
        }
        guard let typeValue = fields["cell_type"] else {
            throw NotebookError(.missingField, at: location, "missing field 'cell_type'")
        }
        guard let typeName = typeValue.stringValue, let kind = Kind(rawValue: typeName) else {
            throw NotebookError(
                .invalidField, at: "\(location).cell_type", "'cell_type' must be \"code\", \"markdown\" or \"raw\"")
        }
        guard let sourceValue = fields["source"] else {
            throw NotebookError(.missingField, at: location, "missing field 'source'")
        }
        guard let source = MultilineText.join(sourceValue) else {
            throw NotebookError(
                .invalidField, at: "\(location).source", "'source' must be a string or a list of strings")
        }
        guard let metadataValue = fields["metadata"] else {
            throw NotebookError(.missingField, at: location, "missing field 'metadata'")
        }
        guard case .object(let metadata) = metadataValue else {
            throw NotebookError(.invalidField, at: "\(location).metadata", "'metadata' must be an object")
        }
        if let tags = metadata["tags"] {
            guard let list = tags.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw NotebookError(
                    .invalidField, at: "\(location).metadata.tags", "'tags' must be a list of strings")
            }
        }
        // A missing or invalid id is repaired by the notebook (as nbformat does when it reads).
        let id = fields["id"]?.stringValue ?? ""
        var executionCount: Int? = nil
        var outputs: [Output] = []
        if kind == .code {
            guard let countValue = fields["execution_count"] else {
                throw NotebookError(.missingField, at: location, "missing field 'execution_count' in a code cell")
            }
            if !countValue.isNull {
                guard let count = countValue.intValue, count >= 0 else {
                    throw NotebookError(
                        .invalidField, at: "\(location).execution_count",
                        "'execution_count' must be null or a non-negative integer")
                }
                executionCount = count
            }
            guard let outputsValue = fields["outputs"] else {
                throw NotebookError(.missingField, at: location, "missing field 'outputs' in a code cell")
            }
            guard case .array(let outputValues) = outputsValue else {
                throw NotebookError(.invalidField, at: "\(location).outputs", "'outputs' must be an array")
            }
            for (index, output) in outputValues.enumerated() {
                outputs.append(try Output(json: output, location: "\(location).outputs[\(index)]"))
            }
        }
        self.init(
            id: id, kind: kind, source: source, metadata: metadata, executionCount: executionCount, outputs: outputs,
            attachments: kind == .code ? nil : fields["attachments"])
    }
}

extension Output {
    init(json value: JSONValue, location: String) throws(NotebookError) {
        guard case .object(let fields) = value else {
            throw NotebookError(.invalidField, at: location, "an output must be a JSON object")
        }
        guard let type = fields["output_type"]?.stringValue else {
            throw NotebookError(.missingField, at: location, "missing field 'output_type'")
        }
        func text(_ key: String) throws(NotebookError) -> String {
            guard let raw = fields[key] else {
                throw NotebookError(.missingField, at: location, "missing field '\(key)' in a \(type) output")
            }
            guard let joined = MultilineText.join(raw) else {
                throw NotebookError(.invalidField, at: "\(location).\(key)", "'\(key)' must be a string")
            }
            return joined
        }
        func bundle() throws(NotebookError) -> ([String: JSONValue], [String: JSONValue]) {
            guard let dataValue = fields["data"] else {
                throw NotebookError(.missingField, at: location, "missing field 'data' in a \(type) output")
            }
            guard case .object(let raw) = dataValue else {
                throw NotebookError(.invalidField, at: "\(location).data", "'data' must be an object")
            }
            var data: [String: JSONValue] = [:]
            for (mime, content) in raw {
                if MultilineText.isJSONMIMEType(mime) {
                    data[mime] = content
                } else if let joined = MultilineText.join(content) {
                    data[mime] = .string(joined)
                } else {
                    throw NotebookError(
                        .invalidField, at: "\(location).data[\"\(mime)\"]", "'\(mime)' content must be text")
                }
            }
            guard let metadataValue = fields["metadata"] else {
                throw NotebookError(.missingField, at: location, "missing field 'metadata' in a \(type) output")
            }
            guard case .object(let metadata) = metadataValue else {
                throw NotebookError(.invalidField, at: "\(location).metadata", "'metadata' must be an object")
            }
            return (data, metadata)
        }
        switch type {
        case "stream":
            guard let name = fields["name"]?.stringValue else {
                throw NotebookError(.missingField, at: location, "missing field 'name' in a stream output")
            }
            self = .stream(name: name, text: try text("text"))
        case "display_data":
            let (data, metadata) = try bundle()
            self = .displayData(data: data, metadata: metadata)
        case "execute_result":
            let (data, metadata) = try bundle()
            guard let countValue = fields["execution_count"] else {
                throw NotebookError(.missingField, at: location, "missing field 'execution_count' in an execute_result")
            }
            self = .executeResult(executionCount: countValue.intValue, data: data, metadata: metadata)
        case "error":
            guard let name = fields["ename"]?.stringValue else {
                throw NotebookError(.missingField, at: location, "missing field 'ename' in an error output")
            }
            guard let value = fields["evalue"]?.stringValue else {
                throw NotebookError(.missingField, at: location, "missing field 'evalue' in an error output")
            }
            guard let traceback = fields["traceback"]?.arrayValue else {
                throw NotebookError(.missingField, at: location, "missing field 'traceback' in an error output")
            }
            self = .error(name: name, value: value, traceback: traceback.compactMap(\.stringValue))
        default:
            throw NotebookError(.invalidField, at: "\(location).output_type", "unknown output_type '\(type)'")
        }
    }
}
