import Foundation
import NotebookJSON

/// One public declaration of the library modules, read from a symbol graph.
public struct LibrarySymbol: Sendable, Hashable {
    /// The module that declares it (`Inference`), or that it extends.
    public var module: String
    /// The simple name (`mean`, `init(mean:standardDeviation:)` is `init`).
    public var name: String
    /// The enclosing types, outermost first (`["Gaussian"]`); empty for a top-level symbol.
    public var path: [String]
    /// The symbol graph kind without `swift.` (`struct`, `func`, `property`, `init`, `type.method`, …).
    public var kind: String
    /// The declaration as written, e.g. `func logDensity(_ x: Double) -> Double`.
    public var declaration: String
    /// The doc comment, without markers.
    public var documentation: String?

    public init(module: String, name: String, path: [String], kind: String, declaration: String, documentation: String?)
    {
        self.module = module
        self.name = name
        self.path = path
        self.kind = kind
        self.declaration = declaration
        self.documentation = documentation
    }

    /// The dotted name (`Gaussian.mean`).
    public var qualifiedName: String { (path + [name]).joined(separator: ".") }

    /// Whether this names a type (members can follow it).
    public var isType: Bool {
        ["struct", "class", "enum", "protocol", "actor", "typealias", "associatedtype"].contains(kind)
    }
}

/// The library's public API, for completion and inspection, read from `swift-symbolgraph-extract` output.
public struct LibrarySymbolIndex: Sendable {
    public private(set) var symbols: [LibrarySymbol] = []
    private var byPath: [String: [Int]] = [:]

    public init(symbols: [LibrarySymbol] = []) {
        for symbol in symbols { add(symbol) }
    }

    private mutating func add(_ symbol: LibrarySymbol) {
        byPath[symbol.path.joined(separator: "."), default: []].append(symbols.count)
        symbols.append(symbol)
    }

    /// The module names present.
    public var modules: Set<String> { Set(symbols.map(\.module)) }

    /// Reads every `*.symbols.json` in a folder.
    /// - Parameter directory: the folder `swift-symbolgraph-extract` wrote.
    /// - Returns: the index (empty when the folder is missing).
    public static func load(directory: String) -> LibrarySymbolIndex {
        var index = LibrarySymbolIndex()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() where name.hasSuffix(".symbols.json") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                let json = try? JSONValue(parsing: Array(data))
            else { continue }
            let module = String(name.prefix { $0 != "." && $0 != "@" })
            for symbol in parse(symbolGraph: json, module: module) { index.add(symbol) }
        }
        return index
    }

    /// The symbols of one symbol graph document.
    /// - Parameters:
    ///   - json: a parsed `*.symbols.json`.
    ///   - module: the module to file them under.
    /// - Returns: the public symbols in it.
    public static func parse(symbolGraph json: JSONValue, module: String) -> [LibrarySymbol] {
        var result: [LibrarySymbol] = []
        for entry in json["symbols"]?.arrayValue ?? [] {
            guard let components = entry["pathComponents"]?.arrayValue?.compactMap(\.stringValue),
                let last = components.last
            else { continue }
            let access = entry["accessLevel"]?.stringValue ?? "public"
            guard access == "public" || access == "open" else { continue }
            let kind = (entry["kind"]?["identifier"]?.stringValue ?? "").replacingOccurrences(of: "swift.", with: "")
            let name = String(last.prefix { $0 != "(" })
            // Operators and underscored names are not offered.
            guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
                !name.hasPrefix("_")
            else { continue }
            let fragments = entry["declarationFragments"]?.arrayValue ?? []
            let declaration = fragments.compactMap { $0["spelling"]?.stringValue }.joined()
            let lines = entry["docComment"]?["lines"]?.arrayValue ?? []
            let doc = lines.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
            result.append(
                LibrarySymbol(
                    module: module, name: name, path: Array(components.dropLast()), kind: kind,
                    declaration: declaration.isEmpty ? last : declaration,
                    documentation: doc.isEmpty ? nil : doc))
        }
        return result
    }

    /// Top-level symbols (types, functions, globals).
    public var topLevel: [LibrarySymbol] { (byPath[""] ?? []).map { symbols[$0] } }

    /// Members of a type, found by its name as written or as a runtime type name
    /// (`Gaussian`, `Inference.Gaussian`, `Array<Inference.Gaussian>` gives `Array`'s members).
    public func members(of typeName: String) -> [LibrarySymbol] {
        for candidate in Self.candidatePaths(typeName) {
            if let indices = byPath[candidate] { return indices.map { symbols[$0] } }
        }
        return []
    }

    /// The symbols named `name` inside `container` (or at the top level when it is `nil`).
    public func lookup(_ name: String, in container: String? = nil) -> [LibrarySymbol] {
        let paths = container.map(Self.candidatePaths) ?? [""]
        for path in paths {
            let found = (byPath[path] ?? []).map { symbols[$0] }.filter { $0.name == name }
            if !found.isEmpty { return found }
        }
        return []
    }

    /// Ways a type name may be filed: as given, without generic arguments, without a module prefix.
    static func candidatePaths(_ typeName: String) -> [String] {
        var name = typeName.trimmingCharacters(in: .whitespaces)
        if let angle = name.firstIndex(of: "<") { name = String(name[..<angle]) }
        if name.hasSuffix("?") || name.hasSuffix("!") { name.removeLast() }
        var result = [name]
        var parts = name.split(separator: ".").map(String.init)
        while parts.count > 1 {
            parts.removeFirst()
            result.append(parts.joined(separator: "."))
        }
        return result
    }
}
