/// A cell's text seen as Unicode scalars, the unit Jupyter's `cursor_pos` counts in (protocol 5.2+).
struct CodeCursor {
    let scalars: [Unicode.Scalar]
    /// The cursor, clamped into the text.
    let position: Int

    init(code: String, position: Int?) {
        scalars = Array(code.unicodeScalars)
        self.position = min(max(position ?? scalars.count, 0), scalars.count)
    }

    static func isIdentifier(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            || scalar.properties.generalCategory == .decimalNumber
    }

    /// The identifier characters just before the cursor and where they start.
    var prefix: (text: String, start: Int) {
        var start = position
        while start > 0, Self.isIdentifier(scalars[start - 1]) { start -= 1 }
        return (text(start, position), start)
    }

    /// The whole identifier under or just before the cursor, with its range.
    var word: (text: String, start: Int, end: Int)? {
        var start = position
        var end = position
        while start > 0, Self.isIdentifier(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, Self.isIdentifier(scalars[end]) { end += 1 }
        if start == end {
            // `f(` with the cursor after the parenthesis: inspect `f`.
            var back = position
            while back > 0, scalars[back - 1] == " " { back -= 1 }
            guard back > 0, scalars[back - 1] == "(" else { return nil }
            end = back - 1
            start = end
            while start > 0, Self.isIdentifier(scalars[start - 1]) { start -= 1 }
            if start == end { return nil }
        }
        if let first = scalars[start...].first, ("0"..."9").contains(first) { return nil }
        return (text(start, end), start, end)
    }

    /// For `a.b.c` where `c` starts at `start`: `["a", "b"]`; empty when no `.` precedes `start`.
    /// `nil` when a `.` precedes but the base is not a plain chain of names (a call, a literal).
    func memberBase(before start: Int) -> [String]? {
        var index = start
        guard index > 0, scalars[index - 1] == "." else { return [] }
        var chain: [String] = []
        while index > 0, scalars[index - 1] == "." {
            index -= 1
            let end = index
            while index > 0, Self.isIdentifier(scalars[index - 1]) { index -= 1 }
            guard index < end else { return nil }
            let name = text(index, end)
            if let first = name.unicodeScalars.first, ("0"..."9").contains(first) { return nil }
            chain.insert(name, at: 0)
        }
        return chain
    }

    func text(_ start: Int, _ end: Int) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<end])
        return String(result)
    }
}
