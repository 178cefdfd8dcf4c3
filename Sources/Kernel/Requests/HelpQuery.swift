/// IPython-style help cells: a cell that is only `?name` or `name?` asks for the pager.
public enum HelpQuery {
    /// The dotted name a help cell asks about, or `nil` when the cell is ordinary code.
    ///
    /// Neither form is valid Swift on its own, so no real cell is taken for a help request.
    public static func topic(of code: String) -> String? {
        var text = Substring(code)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        if text.hasPrefix("?") {
            text.removeFirst()
        } else if text.hasSuffix("?") {
            text.removeLast()
        } else {
            return nil
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty,
            parts.allSatisfy({ part in
                guard let first = part.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
                return part.unicodeScalars.allSatisfy(CodeCursor.isIdentifier)
            })
        else { return nil }
        return String(text)
    }
}
