/// `--check`: compares re-executed outputs with the outputs stored in a notebook.
public enum NotebookComparison {
    /// Tags that exclude a cell's outputs from the comparison (nbval's spelling is accepted too).
    public static let ignoreOutputTags: Set<String> = ["check-ignore-output", "nbval-ignore-output", "nbval-skip"]

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
            let expected = OutputNormalizer.canonicalText(cell.outputs)
            let actual = OutputNormalizer.canonicalText(rerun.outputs)
            if let diff = LineDiff.unified(
                expected: expected, actual: actual, expectedLabel: "stored outputs of cell \(index) (id \(cell.id))",
                actualLabel: "executed outputs")
            {
                result.append(Mismatch(index: index, id: cell.id, diff: diff))
            }
        }
        return result
    }
}
