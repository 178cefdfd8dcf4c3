/// A cell from the session's history that a new cell builds on.
struct CompiledCell: Sendable {
    var moduleName: String
    var cacheKey: String
    var library: String
    var analysis: CellAnalysis
    var executionIndex: Int
}

/// Turns a cell's source into the `main.swift` of its own module.
///
/// The module imports the library modules and every earlier cell that declares something (with
/// `@testable`, because script-mode globals are internal). A name declared by several earlier cells
/// is imported once more, scoped, from the newest of them, which shadows the older ones. The cell's
/// own text follows a `#sourceLocation` directive, so the compiler reports its own line numbers; the
/// result operator is appended after the last token of its last expression, which keeps every column.
enum CodeGenerator {
    static let libraryModules = ["Inference", "Figures", "CellRuntime"]

    /// Up to this many names, every name earlier cells declared gets a scoped import from its newest
    /// cell (which also makes a cell's declaration win over a library symbol of the same name). Beyond it,
    /// only names that need one get it — those several cells declared, and types and functions — because
    /// swiftc's script-mode lookup grows with the product of imports, top-level statements and references.
    static let scopedImportBudget = 256

    /// At most this many of a cell's variables report their types for completion (the last declared).
    /// Each report is a reference the compiler resolves against every top-level statement of the cell,
    /// so reporting all of a 10,000-line cell's variables would take minutes of compile time.
    static let reportedVariableLimit = 100
    static let cellFileName = "<cell>"

    static func source(for code: String, analysis: CellAnalysis, history: [CompiledCell]) -> String {
        var lines: [String] = libraryModules.map { "import \($0)" }
        var seenImports = Set(lines)
        for cell in history {
            for line in cell.analysis.imports where seenImports.insert(line).inserted { lines.append(line) }
        }
        var newest: [String: (module: String, kind: String)] = [:]
        var declarations: [String: Int] = [:]
        for cell in history where cell.analysis.exportsAnything {
            lines.append("@testable import \(cell.moduleName)")
            for declaration in cell.analysis.declarations {
                // Operator functions cannot be imported by name; the module import brings them.
                if let kind = declaration.importKind, isIdentifier(declaration.name) {
                    newest[declaration.name] = (cell.moduleName, kind)
                    declarations[declaration.name, default: 0] += 1
                }
            }
        }
        let ownNames = Set(analysis.declarations.map(\.name))
        let importEveryName = newest.count <= scopedImportBudget
        for name in newest.keys.sorted() where !ownNames.contains(name) {
            let (module, kind) = newest[name]!
            let isVariable = kind == "let" || kind == "var"
            if !importEveryName && isVariable && declarations[name] == 1 { continue }
            lines.append("@testable import \(kind) \(module).\(escapedIdentifier(name))")
        }
        lines.append("#sourceLocation(file: \"\(cellFileName)\", line: 1)")
        var insertions = analysis.isolationInsertions.map { ($0.utf8Offset, $0.text) }
        if let offset = analysis.resultInsertionOffset { insertions.append((offset, " |~>> _cellResult")) }
        var body = code
        if !insertions.isEmpty {
            var utf8 = Array(code.utf8)
            // From the end, so earlier offsets stay valid.
            for (offset, text) in insertions.sorted(by: { $0.0 > $1.0 }) {
                utf8.insert(contentsOf: text.utf8, at: offset)
            }
            body = String(decoding: utf8, as: UTF8.self)
        }
        lines.append(body)
        lines.append("#sourceLocation()")
        if !analysis.reportableVariables.isEmpty {
            let pairs = analysis.reportableVariables.suffix(reportedVariableLimit).map { "\"\($0)\": Swift.type(of: \(escapedIdentifier($0)))" }
            lines.append("_cellReportTypes([\(pairs.joined(separator: ", "))])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
        "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "Any",
        "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try",
    ]

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        return first.properties.isXIDStart || first == "_" || first == "`"
    }

    static func escapedIdentifier(_ name: String) -> String {
        if name.hasPrefix("`") { return name }
        guard let first = name.unicodeScalars.first else { return name }
        let isOperator = !(first.properties.isXIDStart || first == "_")
        if isOperator { return name }
        return keywords.contains(name) ? "`\(name)`" : name
    }
}
