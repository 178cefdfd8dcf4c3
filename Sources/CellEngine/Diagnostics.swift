import Foundation

/// One compiler message about a cell, in the cell's own coordinates.
struct CellDiagnostic: Sendable, Hashable {
    enum Severity: String, Sendable { case error, warning, note }
    var severity: Severity
    /// 1-based line and column (in characters) in the cell.
    var line: Int
    var column: Int
    var message: String
}

enum Diagnostics {
    /// Reads `swiftc -diagnostic-style llvm` output: keeps the messages about the cell's own text and
    /// drops those about generated code, other modules and temporary files.
    static func parse(_ output: String, cellFile: String, cellSource: String) -> (cell: [CellDiagnostic], other: [String]) {
        let cellLines = cellSource.split(separator: "\n", omittingEmptySubsequences: false)
        var cell: [CellDiagnostic] = []
        var other: [String] = []
        for rawLine in output.split(separator: "\n") {
            let line = String(rawLine)
            guard let (file, lineNumber, byteColumn, severity, message) = parseLocated(line) else {
                if line.hasPrefix("error: ") { other.append(String(line.dropFirst(7))) }
                continue
            }
            if file == cellFile {
                var column = byteColumn
                if lineNumber >= 1 && lineNumber <= cellLines.count {
                    let utf8 = Array(cellLines[lineNumber - 1].utf8)
                    let prefix = utf8.prefix(max(0, min(byteColumn - 1, utf8.count)))
                    column = String(decoding: prefix, as: UTF8.self).count + 1
                }
                cell.append(CellDiagnostic(severity: severity, line: lineNumber, column: column, message: clean(message)))
            } else if severity == .error {
                other.append(clean(message))
            }
        }
        return (cell, other)
    }

    static func parseLocated(_ line: String) -> (String, Int, Int, CellDiagnostic.Severity, String)? {
        for severity in [CellDiagnostic.Severity.error, .warning, .note] {
            let marker = ": \(severity.rawValue): "
            guard let range = line.range(of: marker) else { continue }
            let location = line[..<range.lowerBound]
            let message = String(line[range.upperBound...])
            let parts = location.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, let column = Int(parts[parts.count - 1]), let lineNumber = Int(parts[parts.count - 2])
            else { continue }
            let file = parts[0..<(parts.count - 2)].joined(separator: ":")
            return (file, lineNumber, column, severity, message)
        }
        return nil
    }

    /// Removes cell-module qualifiers and the result operator's traces from a message.
    static func clean(_ message: String) -> String {
        var text = stripCellModules(message)
        text = text.replacingOccurrences(of: " |~>> _cellResult", with: "")
        return text
    }

    static func stripCellModules(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "Cell_") {
            let after = rest[range.upperBound...]
            let hex = after.prefix(16)
            let isModule = hex.count == 16 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
                && after.dropFirst(16).first == "."
            out += rest[..<range.lowerBound]
            if isModule {
                rest = after.dropFirst(17)
            } else {
                out += "Cell_"
                rest = after
            }
        }
        out += rest
        return out
    }

    /// The report a person sees: each error with the cell line it is about and a caret under the column.
    static func render(_ diagnostics: [CellDiagnostic], cellSource: String) -> [String] {
        let cellLines = cellSource.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        for d in diagnostics where d.severity != .warning {
            let label = d.severity == .error ? "error" : "note"
            out.append("\(label): line \(d.line), column \(d.column): \(d.message)")
            if d.line >= 1 && d.line <= cellLines.count {
                let text = cellLines[d.line - 1]
                let gutter = "\(d.line) | "
                out.append(gutter + text)
                let indent = text.prefix(max(0, d.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
                out.append(String(repeating: " ", count: gutter.count - 2) + "| " + indent + "^")
            }
        }
        return out
    }
}

