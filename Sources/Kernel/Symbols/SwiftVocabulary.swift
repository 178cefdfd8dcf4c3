/// Swift names every cell can use without the library: keywords, common standard-library functions
/// and types, and a few members of the standard types students call most.
enum SwiftVocabulary {
    static let keywords: [String] = [
        "as", "associatedtype", "async", "await", "break", "case", "catch", "class", "continue", "default",
        "defer", "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate", "for",
        "func", "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "mutating", "nil",
        "nonisolated", "open", "operator", "private", "protocol", "public", "repeat", "rethrows", "return",
        "self", "Self", "some", "any", "static", "struct", "subscript", "super", "switch", "throw", "throws",
        "true", "try", "typealias", "var", "where", "while",
    ]

    /// Standard-library globals and types, with a signature and a one-line summary for `inspect`.
    static let globals: [(name: String, kind: String, signature: String, summary: String)] = [
        (
            "print", "function", "func print(_ items: Any..., separator: String = \" \", terminator: String = \"\\n\")",
            "Writes the textual representations of the items to standard output."
        ),
        (
            "readLine", "function", "func readLine(strippingNewline: Bool = true) -> String?",
            "Reads a line from standard input; in a notebook the front end asks for it."
        ),
        ("min", "function", "func min<T: Comparable>(_ x: T, _ y: T) -> T", "The lesser of two values."),
        ("max", "function", "func max<T: Comparable>(_ x: T, _ y: T) -> T", "The greater of two values."),
        ("abs", "function", "func abs<T: Comparable & SignedNumeric>(_ x: T) -> T", "The absolute value."),
        (
            "zip", "function", "func zip<S1: Sequence, S2: Sequence>(_ s1: S1, _ s2: S2) -> Zip2Sequence<S1, S2>",
            "Pairs the elements of two sequences."
        ),
        (
            "stride", "function", "func stride<T: Strideable>(from: T, to: T, by: T.Stride) -> StrideTo<T>",
            "A sequence from a start value toward, and not including, an end value."
        ),
        ("exp", "function", "func exp(_ x: Double) -> Double", "e raised to x (Glibc)."),
        ("log", "function", "func log(_ x: Double) -> Double", "The natural logarithm (Glibc)."),
        ("sqrt", "function", "func sqrt(_ x: Double) -> Double", "The square root (Glibc)."),
        ("pow", "function", "func pow(_ x: Double, _ y: Double) -> Double", "x raised to y (Glibc)."),
        ("Double", "struct", "struct Double", "A 64-bit floating-point number."),
        ("Float", "struct", "struct Float", "A 32-bit floating-point number."),
        ("Int", "struct", "struct Int", "A signed integer the size of a machine word."),
        ("String", "struct", "struct String", "A Unicode string."),
        ("Bool", "struct", "struct Bool", "A true or false value."),
        ("Array", "struct", "struct Array<Element>", "An ordered, random-access collection."),
        ("Dictionary", "struct", "struct Dictionary<Key: Hashable, Value>", "A collection of key-value pairs."),
        ("Set", "struct", "struct Set<Element: Hashable>", "An unordered collection of unique elements."),
    ]

    /// Members of standard types, keyed by the type's name without module or generic arguments.
    static let members: [String: [String]] = {
        let collection = [
            "count", "isEmpty", "first", "last", "map", "filter", "reduce", "sorted", "enumerated", "contains",
            "append", "insert", "remove", "removeAll", "reversed", "prefix", "suffix", "dropFirst", "dropLast",
            "indices", "min", "max", "firstIndex", "forEach", "joined", "compactMap", "flatMap", "shuffled",
            "randomElement", "allSatisfy", "lazy", "startIndex", "endIndex",
        ]
        let floating = [
            "isNaN", "isFinite", "isInfinite", "rounded", "squareRoot", "magnitude", "sign", "ulp",
            "description", "isZero", "truncatingRemainder", "addingProduct", "pi", "infinity", "nan",
            "greatestFiniteMagnitude", "leastNonzeroMagnitude", "random",
        ]
        let integer = [
            "description", "magnitude", "signum", "isMultiple", "quotientAndRemainder", "max", "min", "random",
            "bitWidth", "nonzeroBitCount", "leadingZeroBitCount", "trailingZeroBitCount",
        ]
        let string = [
            "count", "isEmpty", "uppercased", "lowercased", "hasPrefix", "hasSuffix", "split", "contains",
            "first", "last", "append", "utf8", "unicodeScalars", "reversed", "description", "prefix", "suffix",
        ]
        let dictionary = [
            "count", "isEmpty", "keys", "values", "mapValues", "filter", "removeValue", "updateValue", "merge",
            "sorted", "first", "contains", "forEach", "compactMapValues",
        ]
        return [
            "Array": collection, "ArraySlice": collection, "ContiguousArray": collection, "Set": collection,
            "Range": collection, "ClosedRange": collection, "Double": floating, "Float": floating,
            "Int": integer, "Int64": integer, "Int32": integer, "UInt": integer, "UInt64": integer,
            "String": string, "Substring": string, "Dictionary": dictionary,
        ]
    }()

    /// The members of a standard type given a (possibly qualified, generic) runtime type name.
    static func members(ofType typeName: String) -> [String] {
        for candidate in LibrarySymbolIndex.candidatePaths(typeName) {
            let bare = candidate.hasPrefix("Swift.") ? String(candidate.dropFirst(6)) : candidate
            if let found = members[bare] { return found }
        }
        if typeName.hasPrefix("[") && typeName.contains(":") { return members["Dictionary"]! }
        if typeName.hasPrefix("[") { return members["Array"]! }
        return []
    }
}
