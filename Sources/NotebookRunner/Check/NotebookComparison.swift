/// `--check`: compares re-executed outputs with the outputs stored in a notebook.
public enum NotebookComparison {
    /// Tags that exclude a cell's outputs from the comparison (nbval's spelling is accepted too).
    public static let ignoreOutputTags: Set<String> = ["check-ignore-output", "nbval-ignore-output", "nbval-skip"]

    /// Magics whose printed text differs from run to run by its nature: times (`%time`, `%timeit`) and a package
    /// install (the build's log the first time, one line from the cache after). In a cell that starts with one
    /// of them, `--check` leaves the streams out and still compares errors, results and displays.
    public static let magicsWithUnrepeatableText: Set<String> = ["%time", "%%time", "%timeit", "%%timeit", "%install"]

    /// One code cell whose outputs differ.
    public struct Mismatch: Sendable, Hashable {
        /// The cell's 0-based position in the stored notebook.
        public var index: Int
        /// The cell id.
        public var id: String
        /// The unified diff, stored (`-`) against executed (`+`).
        public var diff: String
    }

    /// The code cells whose normalised outputs differ; empty when the notebook reproduces.
    ///
    /// Cells are matched by id (the runner keeps ids); cells tagged with one of `ignoreOutputTags`,
    /// injected-parameters cells and cells that did not run (after a failure) are not compared.
    /// - Parameters:
    ///   - stored: the notebook as committed.
    ///   - executed: the same notebook, executed.
    /// - Returns: the mismatches, in the stored notebook's order.
    public static func mismatches(stored: Notebook, executed: Notebook) -> [Mismatch] {
        var executedByID: [String: Cell] = [:]
        for cell in executed.cells where cell.kind == .code { executedByID[cell.id] = cell }
        var result: [Mismatch] = []
        for (index, cell) in stored.cells.enumerated() where cell.kind == .code {
            if !ignoreOutputTags.isDisjoint(with: cell.tags) || cell.hasTag(Notebook.injectedParametersTag) { continue }
            guard let rerun = executedByID[cell.id] else { continue }
            if rerun.executionCount == nil && !cell.source.trimmingSpaces.isEmpty { continue }
            let comparable: (Output) -> Bool =
                startsWithUnrepeatableMagic(cell.source) ? { if case .stream = $0 { false } else { true } } : { _ in true }
            let expected = OutputNormalizer.canonicalText(cell.outputs.filter(comparable))
            let actual = OutputNormalizer.canonicalText(rerun.outputs.filter(comparable))
            if let diff = LineDiff.unified(
                expected: expected, actual: actual, expectedLabel: "stored outputs of cell \(index) (id \(cell.id))",
                actualLabel: "executed outputs")
            {
                result.append(Mismatch(index: index, id: cell.id, diff: diff))
            }
        }
        return result
    }

    /// Whether one of the magic lines that start the cell is in `magicsWithUnrepeatableText`.
    static func startsWithUnrepeatableMagic(_ source: String) -> Bool {
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.drop { $0 == " " || $0 == "\t" }
            if text.isEmpty { continue }
            guard text.first == "%" || text.first == "!" else { return false }
            if magicsWithUnrepeatableText.contains(String(text.prefix { $0 != " " && $0 != "\t" })) { return true }
        }
        return false
    }
}
