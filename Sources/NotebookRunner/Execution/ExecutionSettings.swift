/// How to execute a notebook: time limits, error policy, timing records.
public struct ExecutionSettings: Sendable, Hashable {
    /// The time limit for a cell that sets none itself; `nil` means no limit.
    public var cellTimeout: Duration?
    /// The time limit for the whole notebook; `nil` means no limit.
    public var notebookTimeout: Duration?
    /// Keep going after a cell fails (compile error, thrown error, trap); timeouts still stop the notebook.
    public var allowErrors: Bool
    /// Record nbclient-style timestamps in each executed cell's `metadata.execution`.
    public var recordTiming: Bool
    /// The Swift version for `language_info.version`, when known.
    public var languageVersion: String?

    /// Settings.
    /// - Parameters:
    ///   - cellTimeout: default per-cell limit.
    ///   - notebookTimeout: limit for the whole notebook.
    ///   - allowErrors: continue after failing cells.
    ///   - recordTiming: write `metadata.execution` timestamps.
    ///   - languageVersion: Swift version for the notebook metadata.
    public init(
        cellTimeout: Duration? = nil, notebookTimeout: Duration? = nil, allowErrors: Bool = false,
        recordTiming: Bool = true, languageVersion: String? = nil
    ) {
        self.cellTimeout = cellTimeout
        self.notebookTimeout = notebookTimeout
        self.allowErrors = allowErrors
        self.recordTiming = recordTiming
        self.languageVersion = languageVersion
    }
}

extension Cell {
    /// The tag that lets a cell fail without stopping the notebook (as in nbclient and papermill).
    public static let raisesExceptionTag = "raises-exception"

    /// The cell's own time limit: `metadata.timeout` (seconds), else a tag `timeout=SECONDS`.
    ///
    /// `.some(nil)` means the cell asks for no limit (`timeout=none` or a non-positive number);
    /// `nil` means the cell says nothing and the default applies.
    public var ownTimeout: Duration?? {
        if let value = metadata["timeout"] {
            if let seconds = value.doubleValue {
                return seconds > 0 ? .some(.milliseconds(Int64(seconds * 1000))) : .some(nil)
            }
            if value.isNull { return .some(nil) }
        }
        for tag in tags where tag.hasPrefix("timeout=") {
            let text = tag.dropFirst("timeout=".count)
            if text == "none" { return .some(nil) }
            var number = Substring(text)
            if number.hasSuffix("s") { number = number.dropLast() }
            if let seconds = Double(number) {
                return seconds > 0 ? .some(.milliseconds(Int64(seconds * 1000))) : .some(nil)
            }
        }
        return nil
    }
}
