/// A formula in LaTeX that a notebook typesets (MathJax), e.g.
/// `LaTeX(#"\log p(x) \ge \mathbb{E}_q[\log p(x, z) - \log q(z)]"#)`.
public struct LaTeX: Sendable, Hashable {
    /// The LaTeX source, without delimiters.
    public var source: String

    /// A formula.
    /// - Parameter source: LaTeX math; it is shown in display style (between `$$`). Text that already
    ///   starts with `$` or `\begin` is kept as is.
    public init(_ source: String) { self.source = source }

    /// The formula as `text/latex`, with its source as plain text.
    public var mimeBundle: MIMEBundle {
        let trimmed = source.drop { $0 == " " || $0 == "\n" }
        let delimited = trimmed.hasPrefix("$") || trimmed.hasPrefix("\\begin") ? source : "$$" + source + "$$"
        return MIMEBundle(plainText: source, ["text/latex": delimited])
    }
}

/// Prose in markdown, shown formatted in a notebook and as the source text elsewhere.
public struct Markdown: Sendable, Hashable {
    /// The markdown source.
    public var source: String

    /// Markdown text.
    /// - Parameter source: The markdown source.
    public init(_ source: String) { self.source = source }

    /// The source as `text/markdown` and as plain text.
    public var mimeBundle: MIMEBundle { MIMEBundle(plainText: source, ["text/markdown": source]) }
}
