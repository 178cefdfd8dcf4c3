import CellEngine
import Foundation
import NotebookJSON

/// Answers `complete_request` and `inspect_request` from what the notebook and the library declare.
///
/// Sources of names, in the order matches are listed: names earlier cells declared (with their runtime
/// types), members of types that cells declared (found by parsing the cells' sources), the library's
/// public API (a symbol graph index), Swift standard-library names, and Swift keywords.
public struct CodeAssistant: Sendable {
    public var declarations: [CellDeclaration]
    public var cellSymbols: [SourceSymbol]
    public var library: LibrarySymbolIndex

    public init(declarations: [CellDeclaration], cellSymbols: [SourceSymbol], library: LibrarySymbolIndex) {
        self.declarations = declarations
        self.cellSymbols = cellSymbols
        self.library = library
    }

    /// One completion candidate.
    public struct Completion: Sendable, Hashable {
        public var text: String
        /// Jupyter's experimental type: `function`, `variable`, `class`, `module`, `keyword`, `property`.
        public var type: String
        public var signature: String
    }

    /// The content of a `complete_reply`.
    /// - Parameters:
    ///   - code: the cell's text.
    ///   - cursorPosition: in Unicode scalars; `nil` means the end.
    /// - Returns: `matches`, `cursor_start`, `cursor_end`, `metadata` (with `_jupyter_types_experimental`).
    public func completeReply(code: String, cursorPosition: Int?) -> JSONValue {
        let cursor = CodeCursor(code: code, position: cursorPosition)
        let (prefix, start) = cursor.prefix
        let candidates: [Completion]
        switch cursor.memberBase(before: start) {
        case .none:
            candidates = []
        case .some(let chain) where chain.isEmpty:
            candidates = globalCandidates()
        case .some(let chain):
            candidates = memberCandidates(of: chain)
        }
        var seen = Set<String>()
        let matches = candidates.filter { $0.text.hasPrefix(prefix) && seen.insert($0.text).inserted }
        let types: [JSONValue] = matches.map {
            [
                "start": .number(Double(start)), "end": .number(Double(cursor.position)), "text": .string($0.text),
                "type": .string($0.type), "signature": .string($0.signature),
            ]
        }
        return [
            "status": "ok",
            "matches": .array(matches.map { .string($0.text) }),
            "cursor_start": .number(Double(start)),
            "cursor_end": .number(Double(cursor.position)),
            "metadata": ["_jupyter_types_experimental": .array(types)],
        ]
    }

    func globalCandidates() -> [Completion] {
        var result: [Completion] = []
        for declaration in declarations.reversed() {
            result.append(
                Completion(
                    text: declaration.name, type: Self.jupyterType(declaration.kind), signature: declaration.signature))
        }
        for symbol in cellSymbols.reversed() where symbol.container == nil {
            result.append(
                Completion(text: symbol.name, type: Self.jupyterType(symbol.kind), signature: symbol.signature))
        }
        for symbol in library.topLevel.sorted(by: { $0.name < $1.name }) {
            result.append(
                Completion(text: symbol.name, type: Self.jupyterType(symbol.kind), signature: symbol.declaration))
        }
        for module in library.modules.sorted() {
            result.append(Completion(text: module, type: "module", signature: "module \(module)"))
        }
        for global in SwiftVocabulary.globals {
            result.append(
                Completion(
                    text: global.name, type: global.kind == "function" ? "function" : "class",
                    signature: global.signature))
        }
        for keyword in SwiftVocabulary.keywords.sorted() {
            result.append(Completion(text: keyword, type: "keyword", signature: ""))
        }
        return result
    }

    /// Members after `a.b.` — the chain is resolved one name at a time to a type.
    func memberCandidates(of chain: [String]) -> [Completion] {
        guard let typeName = resolveType(of: chain) else {
            // A module name: its top-level API.
            if chain.count == 1, library.modules.contains(chain[0]) {
                return library.topLevel.filter { $0.module == chain[0] }.sorted { $0.name < $1.name }.map {
                    Completion(text: $0.name, type: Self.jupyterType($0.kind), signature: $0.declaration)
                }
            }
            return []
        }
        var result: [Completion] = []
        let bare = LibrarySymbolIndex.candidatePaths(typeName)
        for symbol in cellSymbols where symbol.container.map(bare.contains) == true && symbol.name != "init" {
            result.append(
                Completion(text: symbol.name, type: Self.jupyterType(symbol.kind), signature: symbol.signature))
        }
        for symbol in library.members(of: typeName).sorted(by: { $0.name < $1.name }) where symbol.name != "init" {
            result.append(
                Completion(text: symbol.name, type: Self.jupyterType(symbol.kind), signature: symbol.declaration))
        }
        for name in SwiftVocabulary.members(ofType: typeName).sorted() {
            result.append(Completion(text: name, type: "property", signature: ""))
        }
        return result
    }

    /// The type a chain of names denotes or has: a cell variable's runtime type, a type's name, a member's type.
    func resolveType(of chain: [String]) -> String? {
        guard let first = chain.first else { return nil }
        var current: String?
        if let declaration = declarations.last(where: { $0.name == first }) {
            switch declaration.kind {
            case .constant, .variable:
                current = declaration.typeName ?? Self.annotatedType(declaration.signature)
            case .structure, .class, .enumeration, .protocol, .actor, .typeAlias:
                current = first
            default:
                current = nil
            }
        } else if cellSymbols.contains(where: { $0.name == first && $0.container == nil && Self.isTypeKind($0.kind) }) {
            current = first
        } else if let symbol = library.lookup(first).first(where: \.isType) {
            current = symbol.name
        } else if SwiftVocabulary.members[first] != nil {
            current = first
        } else if library.modules.contains(first), chain.count > 1 {
            current = chain[1]
            return resolveMembers(current, Array(chain.dropFirst(2)))
        }
        return resolveMembers(current, Array(chain.dropFirst()))
    }

    private func resolveMembers(_ start: String?, _ rest: [String]) -> String? {
        var current = start
        for name in rest {
            guard let type = current else { return nil }
            if let symbol = library.lookup(name, in: type).first {
                current = symbol.isType ? symbol.qualifiedName : Self.annotatedType(symbol.declaration)
            } else if let symbol = cellSymbols.first(where: { $0.name == name && $0.container == type }) {
                current = Self.isTypeKind(symbol.kind) ? "\(type).\(name)" : Self.annotatedType(symbol.signature)
            } else {
                return nil
            }
        }
        return current
    }

    /// `let x: Gaussian = …` → `Gaussian`; `let x = Gaussian(…)` → `Gaussian`; `var count: Int` → `Int`.
    static func annotatedType(_ signature: String) -> String? {
        let beforeValue = signature.split(separator: "=", maxSplits: 1).first.map(String.init) ?? signature
        if let colon = beforeValue.lastIndex(of: ":") {
            let type = beforeValue[beforeValue.index(after: colon)...].trimmingCharacters(
                in: CharacterSet(charactersIn: " {"))
            if !type.isEmpty { return type }
        }
        if let equals = signature.firstIndex(of: "=") {
            let value = signature[signature.index(after: equals)...].drop { $0 == " " }
            let name = value.prefix { CodeCursor.isIdentifier($0.unicodeScalars.first!) || $0 == "." }
            if let first = name.first, first.isUppercase, value.dropFirst(name.count).first == "(" {
                return String(name)
            }
        }
        return nil
    }

    static func isTypeKind(_ kind: String) -> Bool {
        ["struct", "class", "enum", "protocol", "actor", "typealias"].contains(kind)
    }

    static func jupyterType(_ kind: CellDeclaration.Kind) -> String {
        switch kind {
        case .constant, .variable: "variable"
        case .function, .operator, .macro: "function"
        case .structure, .class, .enumeration, .protocol, .actor, .typeAlias: "class"
        }
    }

    static func jupyterType(_ kind: String) -> String {
        if kind.contains("func") || kind.contains("method") || kind == "init" || kind == "subscript" {
            return "function"
        }
        if isTypeKind(kind) || kind == "associatedtype" { return "class" }
        if kind.contains("property") || kind.contains("case") { return "property" }
        if kind == "var" || kind == "let" { return "variable" }
        return "instance"
    }

    // MARK: Inspection

    /// The content of an `inspect_reply`: signature and doc comment of the name under the cursor.
    /// - Parameters:
    ///   - code: the cell's text.
    ///   - cursorPosition: in Unicode scalars; `nil` means the end.
    /// - Returns: `status`, `found`, `data` (`text/plain`, `text/markdown`), `metadata`.
    public func inspectReply(code: String, cursorPosition: Int?) -> JSONValue {
        let cursor = CodeCursor(code: code, position: cursorPosition)
        guard let word = cursor.word,
            let found = describe(word.text, chain: cursor.memberBase(before: word.start) ?? [])
        else {
            return ["status": "ok", "found": false, "data": [:], "metadata": [:]]
        }
        var plain = found.signature
        var markdown = "```swift\n\(found.signature)\n```"
        if let extra = found.note {
            plain += "\n" + extra
            markdown += "\n\n" + extra
        }
        if let doc = found.documentation {
            plain += "\n\n" + doc
            markdown += "\n\n" + doc
        }
        return [
            "status": "ok", "found": true,
            "data": ["text/plain": .string(plain), "text/markdown": .string(markdown)],
            "metadata": [:],
        ]
    }

    struct Description {
        var signature: String
        var documentation: String?
        var note: String?
    }

    func describe(_ name: String, chain: [String]) -> Description? {
        if !chain.isEmpty {
            guard let type = resolveType(of: chain) else {
                if chain.count == 1, let symbol = library.lookup(name).first(where: { $0.module == chain[0] }) {
                    return Description(signature: symbol.declaration, documentation: symbol.documentation)
                }
                return nil
            }
            let bare = LibrarySymbolIndex.candidatePaths(type)
            if let symbol = cellSymbols.last(where: { $0.name == name && $0.container.map(bare.contains) == true }) {
                return Description(signature: symbol.signature, documentation: symbol.documentation)
            }
            let symbols = library.lookup(name, in: type)
            guard !symbols.isEmpty else { return nil }
            return Description(
                signature: symbols.map(\.declaration).joined(separator: "\n"),
                documentation: symbols.compactMap(\.documentation).first)
        }
        if let declaration = declarations.last(where: { $0.name == name }) {
            let note = declaration.typeName.map { "type: \($0)" }
            return Description(signature: declaration.signature, documentation: declaration.documentation, note: note)
        }
        if let symbol = cellSymbols.last(where: { $0.name == name && $0.container == nil }) {
            return Description(signature: symbol.signature, documentation: symbol.documentation)
        }
        let symbols = library.lookup(name)
        if !symbols.isEmpty {
            return Description(
                signature: symbols.map(\.declaration).joined(separator: "\n"),
                documentation: symbols.compactMap(\.documentation).first,
                note: "module: \(symbols[0].module)")
        }
        if let global = SwiftVocabulary.globals.first(where: { $0.name == name }) {
            return Description(signature: global.signature, documentation: global.summary, note: "module: Swift")
        }
        if library.modules.contains(name) {
            return Description(
                signature: "import \(name)", documentation: "The \(name) module (imported in every cell).")
        }
        return nil
    }
}
