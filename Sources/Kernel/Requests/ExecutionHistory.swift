import NotebookJSON

/// The inputs (and plain-text outputs) of this kernel's executions, for `history_request`.
///
/// History lives in memory for the life of the kernel process, which is session number 1; requests for
/// session 0 or a negative session (IPython's "relative to the current one") mean this session too.
public struct ExecutionHistory: Sendable, Hashable {
    /// One stored execution.
    public struct Entry: Sendable, Hashable {
        public var line: Int
        public var input: String
        public var output: String?
    }

    /// The session number in replies.
    public static let session = 1

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Records the input of execution `line`.
    public mutating func record(line: Int, input: String) {
        entries.append(Entry(line: line, input: input, output: nil))
    }

    /// Attaches the plain-text result of execution `line`.
    public mutating func recordOutput(line: Int, output: String) {
        if let index = entries.lastIndex(where: { $0.line == line }) { entries[index].output = output }
    }

    /// The content of a `history_reply` for a request's content.
    /// - Parameter request: `hist_access_type` (`tail`, `range`, `search`), `output`, `n`, `session`, `start`,
    ///   `stop`, `pattern`, `unique`.
    /// - Returns: `status` and `history`, a list of `[session, line, input]` or `[session, line, [input, output]]`.
    public func reply(to request: JSONValue) -> JSONValue {
        let output = request["output"]?.boolValue ?? false
        let n = request["n"]?.intValue
        var selected: [Entry]
        switch request["hist_access_type"]?.stringValue ?? "tail" {
        case "range":
            let session = request["session"]?.intValue ?? 0
            guard session <= 0 || session == Self.session else { return ["status": "ok", "history": []] }
            let start = request["start"]?.intValue ?? 0
            let stop = request["stop"]?.intValue
            selected = entries.filter { $0.line >= start && (stop == nil || $0.line < stop!) }
        case "search":
            let pattern = request["pattern"]?.stringValue ?? "*"
            selected = entries.filter { GlobPattern(pattern).matches($0.input) }
            if request["unique"]?.boolValue == true {
                var seen = Set<String>()
                selected = selected.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n, n >= 0 { selected = Array(selected.suffix(n)) }
        default:
            selected = Array(entries.suffix(max(0, n ?? 10)))
        }
        let items: [JSONValue] = selected.map { entry in
            let body: JSONValue =
                output ? [.string(entry.input), entry.output.map(JSONValue.string) ?? .null] : .string(entry.input)
            return [.number(Double(Self.session)), .number(Double(entry.line)), body]
        }
        return ["status": "ok", "history": .array(items)]
    }
}

/// A shell glob: `*` any run, `?` one character, `[abc]`/`[a-z]`/`[!abc]` a set; matches the whole text.
struct GlobPattern: Sendable {
    let pattern: [Character]

    init(_ pattern: String) {
        self.pattern = Array(pattern)
    }

    func matches(_ text: String) -> Bool {
        let text = Array(text)
        // Iterative matcher with backtracking to the last `*`.
        var p = 0
        var t = 0
        var star: (p: Int, t: Int)?
        while t < text.count {
            if p < pattern.count {
                switch pattern[p] {
                case "*":
                    star = (p, t)
                    p += 1
                    continue
                case "?":
                    p += 1
                    t += 1
                    continue
                case "[":
                    if let (matched, next) = matchSet(at: p, text[t]) {
                        if matched {
                            p = next
                            t += 1
                            continue
                        }
                    } else if text[t] == "[" {
                        p += 1
                        t += 1
                        continue
                    }
                default:
                    if pattern[p] == text[t] {
                        p += 1
                        t += 1
                        continue
                    }
                }
            }
            guard let last = star else { return false }
            star = (last.p, last.t + 1)
            p = last.p + 1
            t = last.t + 1
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Whether `character` is in the set starting at `start`, and the index after the set;
    /// `nil` when the `[` has no closing `]` (then it is literal).
    private func matchSet(at start: Int, _ character: Character) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.count, pattern[i] == "!" || pattern[i] == "^" {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.count, pattern[i] != "]" || first {
            first = false
            if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                if pattern[i] <= character && character <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if pattern[i] == character { matched = true }
                i += 1
            }
        }
        guard i < pattern.count else { return nil }
        return (matched != negate, i + 1)
    }
}
