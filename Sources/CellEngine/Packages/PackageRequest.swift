/// What `%install` was asked for: one SwiftPM dependency and the products of it that cells will import.
///
/// The argument is read, not pasted into a manifest: `.package(path: "…")` or `.package(url: "…", <requirement>)`
/// in the spelling of a `Package.swift`, then one or more product names. The generated manifest writes the
/// parsed values back with its own escaping, so a quote or a backslash in a path cannot change the manifest,
/// and two spellings of the same request (`from:` and `.upToNextMajor(from:)`) share one cache entry.
/// swift-jupyter's spelling, the dependency in single quotes (`%install '.package(…)' Product`), is read too.
struct PackageRequest: Equatable, Sendable {
    var source: PackageSource
    var products: [String]

    /// The usage line `%install` shows in its errors.
    static let usage = #"%install .package(path: "/path/to/Pkg") Product  or  %install .package(url: "https://…", from: "1.2.0") Product"#

    /// Reads `%install`'s argument.
    init(parsing argument: String) throws(MagicUsageError) {
        var reader = Reader(Substring(argument))
        reader.skipBlanks()
        let quoted = reader.take("'")
        let source = try reader.dependency()
        if quoted, !reader.take("'") {
            throw reader.error("the dependency opened with ' is not closed with '")
        }
        let rest = reader.rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !rest.isEmpty else {
            throw MagicUsageError("%install needs the name of a product of the package after the dependency: \(Self.usage)")
        }
        for product in rest where !Self.isProductName(product) {
            throw MagicUsageError(
                "%install: '\(product)' is not a product name (letters, digits, '_', '-' and '.', as in the package's products: [.library(name: …)])")
        }
        self.source = source
        var seen = Set<String>()
        products = rest.filter { seen.insert($0).inserted }
    }

    init(source: PackageSource, products: [String]) {
        self.source = source
        self.products = products
    }

    static func isProductName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }
    }
}

/// Where a package comes from.
enum PackageSource: Equatable, Sendable {
    /// A folder on this machine (absolute once the session has resolved it against the cells' folder).
    case path(String)
    /// A git repository and which of its versions.
    case url(String, VersionRequirement)

    /// The dependency as a manifest writes it: `.package(path: "/p")`, `.package(url: "…", from: "1.2.0")`.
    var manifestText: String {
        switch self {
        case .path(let path): return ".package(path: \(SwiftSourceText.stringLiteral(path)))"
        case .url(let url, let requirement): return ".package(url: \(SwiftSourceText.stringLiteral(url)), \(requirement.manifestText))"
        }
    }

    /// SwiftPM's identity of the package: the last component of its path or URL, without `.git`.
    var identity: String {
        let location: String
        switch self {
        case .path(let path): location = path
        case .url(let url, _): location = url
        }
        var last = location.split(separator: "/").last.map(String.init) ?? location
        if last.hasSuffix(".git") { last.removeLast(4) }
        return last
    }
}

/// Which versions of a package a URL dependency accepts, in SwiftPM's terms.
enum VersionRequirement: Equatable, Sendable {
    /// `from: "1.2.0"`, the same as `.upToNextMajor(from: "1.2.0")`.
    case upToNextMajor(String)
    case upToNextMinor(String)
    case exact(String)
    /// `"1.2.0"..<"2.0.0"`.
    case range(String, String)
    /// `"1.2.0"..."1.9.0"`.
    case closedRange(String, String)
    case branch(String)
    case revision(String)

    var manifestText: String {
        switch self {
        case .upToNextMajor(let version): return "from: \(SwiftSourceText.stringLiteral(version))"
        case .upToNextMinor(let version): return ".upToNextMinor(from: \(SwiftSourceText.stringLiteral(version)))"
        case .exact(let version): return "exact: \(SwiftSourceText.stringLiteral(version))"
        case .range(let low, let high): return "\(SwiftSourceText.stringLiteral(low))..<\(SwiftSourceText.stringLiteral(high))"
        case .closedRange(let low, let high): return "\(SwiftSourceText.stringLiteral(low))...\(SwiftSourceText.stringLiteral(high))"
        case .branch(let name): return "branch: \(SwiftSourceText.stringLiteral(name))"
        case .revision(let hash): return "revision: \(SwiftSourceText.stringLiteral(hash))"
        }
    }
}


/// A small reader for the `.package(…)` expression: labels, string literals and the few operators a
/// dependency uses. Anything else is an error that says where and what was expected.
private struct Reader {
    let whole: Substring
    var rest: Substring

    init(_ text: Substring) {
        whole = text
        rest = text
    }

    var column: Int { whole.count - rest.count + 1 }

    func error(_ what: String) -> MagicUsageError {
        MagicUsageError("%install: \(what) (at character \(column) of the argument); write \(PackageRequest.usage)")
    }

    mutating func skipBlanks() { rest = rest.drop { $0 == " " || $0 == "\t" } }

    /// Takes `token` (after blanks) when it comes next.
    mutating func take(_ token: String) -> Bool {
        skipBlanks()
        guard rest.hasPrefix(token) else { return false }
        rest = rest.dropFirst(token.count)
        return true
    }

    mutating func expect(_ token: String, _ what: String) throws(MagicUsageError) {
        guard take(token) else { throw error("expected \(what)") }
    }

    mutating func identifier() -> String? {
        skipBlanks()
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        return String(name)
    }

    /// `label:`; the label read, or `nil` (nothing taken) when what follows is not a label.
    mutating func label() -> String? {
        let saved = rest
        guard let name = identifier(), take(":") else {
            rest = saved
            return nil
        }
        return name
    }

    /// A double-quoted string literal with Swift's escapes (no interpolation, no raw strings).
    mutating func string(_ what: String) throws(MagicUsageError) -> String {
        skipBlanks()
        guard rest.first == "\"" else {
            if rest.first == "'" || rest.first == "“" || rest.first == "”" {
                throw error("\(what) must be in straight double quotes (\"…\"), not \(rest.first!)")
            }
            throw error("expected \(what) in double quotes")
        }
        rest = rest.dropFirst()
        var value = ""
        while let character = rest.first {
            rest = rest.dropFirst()
            switch character {
            case "\"":
                return value
            case "\\":
                guard let escaped = rest.first else { throw error("a string ends in a lone backslash") }
                rest = rest.dropFirst()
                switch escaped {
                case "\"", "\\", "'": value.append(escaped)
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "0": value.append("\0")
                case "u":
                    guard rest.first == "{", let close = rest.firstIndex(of: "}"),
                          let code = UInt32(rest[rest.index(after: rest.startIndex)..<close], radix: 16),
                          let scalar = Unicode.Scalar(code)
                    else { throw error("a \\u escape must be \\u{hex digits}") }
                    value.unicodeScalars.append(scalar)
                    rest = rest[rest.index(after: close)...]
                case "(": throw error("string interpolation is not allowed in %install")
                default: throw error("unknown escape \\\(escaped) in a string")
                }
            default:
                value.append(character)
            }
        }
        throw error("\(what) has no closing double quote")
    }

    /// `.package(path: "…")` or `.package(url: "…", <requirement>)`.
    mutating func dependency() throws(MagicUsageError) -> PackageSource {
        try expect(".package", ".package(…) first")
        try expect("(", "'(' after .package")
        let source: PackageSource
        switch label() {
        case "path"?:
            let path = try string("the package's path")
            guard !path.isEmpty else { throw error("the package's path is empty") }
            source = .path(path)
        case "url"?:
            let url = try string("the package's URL")
            guard !url.isEmpty else { throw error("the package's URL is empty") }
            try expect(",", "',' and a version requirement after the URL, e.g. from: \"1.2.0\"")
            source = .url(url, try requirement())
        case "name"?:
            throw error("name: is not needed (SwiftPM takes the name from the path or URL); leave it out")
        case let other?:
            throw error("unknown label '\(other):' (expected path: or url:)")
        case nil:
            throw error("expected path: \"…\" or url: \"…\"")
        }
        try expect(")", "')' to close .package(…)")
        return source
    }

    /// `from: "1.2.0"`, `exact: "…"`, `branch: "…"`, `revision: "…"`, `"a"..<"b"`, `"a"..."b"`,
    /// `.upToNextMajor(from: "…")`, `.upToNextMinor(from: "…")`, `.exact("…")`, `.branch("…")`, `.revision("…")`.
    mutating func requirement() throws(MagicUsageError) -> VersionRequirement {
        if let name = label() {
            let value = try string("the version")
            switch name {
            case "from": return .upToNextMajor(value)
            case "exact": return .exact(value)
            case "branch": return .branch(value)
            case "revision": return .revision(value)
            default: throw error("unknown requirement '\(name):' (expected from:, exact:, branch: or revision:)")
            }
        }
        skipBlanks()
        if rest.first == "\"" {
            let low = try string("the lower version")
            if take("..<") { return .range(low, try string("the upper version")) }
            if take("...") { return .closedRange(low, try string("the upper version")) }
            throw error("expected ..< or ... after the lower version")
        }
        guard take("."), let name = identifier() else { throw error("expected a version requirement, e.g. from: \"1.2.0\"") }
        try expect("(", "'(' after .\(name)")
        let requirement: VersionRequirement
        switch name {
        case "upToNextMajor", "upToNextMinor":
            guard label() == "from" else { throw error("expected from: in .\(name)(from: …)") }
            let version = try string("the version")
            requirement = name == "upToNextMajor" ? .upToNextMajor(version) : .upToNextMinor(version)
        case "exact": requirement = .exact(try string("the version"))
        case "branch": requirement = .branch(try string("the branch"))
        case "revision": requirement = .revision(try string("the revision"))
        default: throw error("unknown requirement .\(name)(…)")
        }
        try expect(")", "')' to close .\(name)(…)")
        return requirement
    }
}
