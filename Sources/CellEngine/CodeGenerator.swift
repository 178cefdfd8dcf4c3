/// A cell from the session's history that a new cell builds on.
struct CompiledCell: Sendable {
    var moduleName: String
    var cacheKey: String
    var library: String
    var analysis: CellAnalysis
    var executionIndex: Int
    /// The earlier cells' modules this cell imported (already closed under their own imports).
    var importedModules: [String] = []
    /// How long the cell ran the first time (a replay after a crash gets a time limit from it).
    var ranFor: Duration = .zero
    /// The package a link cell loads (`%install`); every later cell compiles and links against it.
    var package: InstalledPackage?
}

/// Which earlier cells a new cell imports, and which names it imports scoped from the newest cell that
/// declares them.
///
/// A cell imports the newest cell declaring each name it mentions, the cells whose extensions and
/// operators apply without being named, and everything those cells imported themselves (so the internal
/// members of the types they use stay accessible). A cell that mentions no earlier name imports no earlier
/// cell, however long the session: the compiler's work does not grow with the history.
struct ImportPlan: Sendable {
    struct Scoped: Sendable {
        var kind: String
        var module: String
        var name: String
    }

    /// Modules to import with `@testable`, in the order their cells ran.
    var modules: [String]
    var scoped: [Scoped]
    /// The `import` lines of earlier cells (`import Foundation`), which stay in effect for the session.
    var importLines: [String]

    init(for analysis: CellAnalysis, history: [CompiledCell]) {
        var newest: [String: (cell: Int, kind: String?)] = [:]
        var wanted = Set<String>()
        var importLines: [String] = []
        var seenLines = Set(LibraryModules.visible.map { "import \($0)" })
        for (index, cell) in history.enumerated() {
            for line in cell.analysis.imports where seenLines.insert(line).inserted { importLines.append(line) }
            guard cell.analysis.exportsAnything else { continue }
            if cell.analysis.isUsedImplicitly { wanted.insert(cell.moduleName) }
            for declaration in cell.analysis.declarations { newest[declaration.name] = (index, declaration.importKind) }
        }
        let ownNames = Set(analysis.declarations.map(\.name))
        var scoped: [Scoped] = []
        for name in analysis.mentionedNames.sorted() {
            guard let found = newest[name] else { continue }
            let module = history[found.cell].moduleName
            wanted.insert(module)
            // Operator functions cannot be imported by name; the module import brings them. The cell's own
            // declaration of a name wins over an earlier one without help.
            if let kind = found.kind, CodeGenerator.isIdentifier(name), !ownNames.contains(name) {
                scoped.append(Scoped(kind: kind, module: module, name: name))
            }
        }
        var closed = wanted
        for cell in history where wanted.contains(cell.moduleName) { closed.formUnion(cell.importedModules) }
        modules = history.map(\.moduleName).filter { closed.contains($0) }
        self.scoped = scoped
        self.importLines = importLines
    }
}

/// Turns a cell's source into the `main.swift` of its own module.
///
/// The module imports the library modules and the earlier cells its `ImportPlan` names (with `@testable`,
/// because script-mode globals are internal). Each earlier name it mentions is imported once more, scoped,
/// from the newest cell declaring it, which shadows older declarations and library symbols. The cell's
/// own text follows a `#sourceLocation` directive, so the compiler reports its own line numbers; the
/// result operator is appended after the last token of its last expression, which keeps every column.
enum CodeGenerator {

    /// At most this many of a cell's variables report their types for completion (the last declared).
    /// Each report is a reference the compiler resolves against every top-level statement of the cell,
    /// so reporting all of a 10,000-line cell's variables would take minutes of compile time.
    static let reportedVariableLimit = 100
    static let cellFileName = "<cell>"

    static func source(for code: String, analysis: CellAnalysis, plan: ImportPlan) -> String {
        var lines: [String] = LibraryModules.visible.map { "import \($0)" } + plan.importLines
        lines += MathImports.lines(for: analysis, plan: plan)
        for module in plan.modules { lines.append("@testable import \(module)") }
        for item in plan.scoped { lines.append("@testable import \(item.kind) \(item.module).\(escapedIdentifier(item.name))") }
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
