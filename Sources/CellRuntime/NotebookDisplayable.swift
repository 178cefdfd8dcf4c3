/// A value that knows how to show itself in a notebook.
///
/// When such a value is the last expression of a cell, or is passed to `display(_:)`, the notebook
/// shows its richest representation; any other value shows as text. The runtime owns the protocol;
/// the figures library only renders (its charts, tables and formulas have a `mimeBundle`), and the
/// conformances below connect the two. A cell can conform its own types.
public protocol NotebookDisplayable {
    /// The value's presentations; must include `text/plain`.
    var mimeBundle: MIMEBundle { get }
}

// The figures library's displayable values. A new Figures type with a `mimeBundle` belongs here too
// (`DisplayConformanceTests` in CellEngineTests shows each through a cell).
extension Chart: NotebookDisplayable {}
extension ChartGrid: NotebookDisplayable {}
extension Table: NotebookDisplayable {}
extension LaTeX: NotebookDisplayable {}
extension Markdown: NotebookDisplayable {}
