import NotebookJSON

/// nbformat's "multiline string": a string, or a list of lines each ending with its newline.
enum MultilineText {
    /// Joins a stored multiline string; `nil` when `value` is neither a string nor a list of strings.
    static func join(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s):
            return s
        case .array(let items):
            var out = ""
            for item in items {
                guard case .string(let line) = item else { return nil }
                out += line
            }
            return out
        default:
            return nil
        }
    }

    /// Splits text the way nbformat writes it: lines keep their `\n`; one line stays a one-element list.
    static func split(_ text: String) -> JSONValue {
        var lines: [JSONValue] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == 0x0A {
                lines.append(.string(String(decoding: current, as: UTF8.self)))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { lines.append(.string(String(decoding: current, as: UTF8.self))) }
        return .array(lines)
    }

    /// Whether nbformat stores `mimeType`'s content as a multiline string.
    static func isSplitMIMEType(_ mimeType: String) -> Bool {
        mimeType.hasPrefix("text/") || mimeType == "image/svg+xml" || mimeType == "application/javascript"
    }

    /// Whether `mimeType`'s content is JSON rather than text.
    static func isJSONMIMEType(_ mimeType: String) -> Bool {
        mimeType == "application/json" || (mimeType.hasPrefix("application/") && mimeType.hasSuffix("+json"))
    }
}
