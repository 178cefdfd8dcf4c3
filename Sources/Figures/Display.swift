/// A value's presentations, keyed by MIME type, the way Jupyter front ends receive them.
///
/// A bundle always has `text/plain`, so every front end (a terminal, a CI log) can show something.
/// Charts, tables and formulas give theirs as `mimeBundle`; the cell runtime's `NotebookDisplayable`
/// protocol is how a notebook finds it.
public struct MIMEBundle: Sendable, Hashable {
    /// MIME type → content, e.g. `"image/svg+xml"` → an SVG document.
    public private(set) var representations: [String: String]

    /// A bundle with the plain-text form and any richer forms.
    public init(plainText: String, _ richer: [String: String] = [:]) {
        representations = richer
        representations["text/plain"] = plainText
    }

    /// The plain-text form.
    public var plainText: String { representations["text/plain"]! }

    /// Adds or replaces one representation (`text/plain` included).
    public mutating func set(_ content: String, for mimeType: String) {
        representations[mimeType] = content
    }
}
