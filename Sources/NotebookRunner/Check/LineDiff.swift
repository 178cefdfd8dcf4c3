/// A line diff in the unified style: `-` for lines only in the expected text, `+` for lines only in the
/// actual text, with a few lines of context around each change.
public enum LineDiff {
    /// The unified diff of two texts, or `nil` when they are equal.
    /// - Parameters:
    ///   - expected: the stored text (`---`).
    ///   - actual: the re-executed text (`+++`).
    ///   - expectedLabel: the header for the stored side.
    ///   - actualLabel: the header for the executed side.
    ///   - context: unchanged lines shown around a change.
    /// - Returns: the diff text.
    /// - Complexity: O(n·m) time and memory in the two line counts (outputs are small).
    public static func unified(
        expected: String, actual: String, expectedLabel: String = "stored", actualLabel: String = "executed",
        context: Int = 3
    ) -> String? {
        guard expected != actual else { return nil }
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let script = editScript(a, b)
        // Group into hunks with `context` lines around changes.
        var lines = ["--- \(expectedLabel)", "+++ \(actualLabel)"]
        let changed = script.indices.filter { script[$0].mark != " " }
        var position = 0
        while position < changed.count {
            let first = max(0, changed[position] - context)
            var last = min(script.count - 1, changed[position] + context)
            var next = position + 1
            while next < changed.count, changed[next] - context <= last + 1 {
                last = min(script.count - 1, changed[next] + context)
                next += 1
            }
            let slice = script[first...last]
            let oldStart = (slice.first?.oldLine ?? 0) + 1
            let newStart = (slice.first?.newLine ?? 0) + 1
            let oldCount = slice.filter { $0.mark != "+" }.count
            let newCount = slice.filter { $0.mark != "-" }.count
            lines.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            for step in slice { lines.append("\(step.mark)\(step.text)") }
            position = next
        }
        return lines.joined(separator: "\n")
    }

    struct Step {
        var mark: Character
        var text: String
        /// 0-based line numbers in the old and new texts where this step sits.
        var oldLine: Int
        var newLine: Int
    }

    static func editScript(_ a: [String], _ b: [String]) -> [Step] {
        let n = a.count
        let m = b.count
        // lcs[i][j]: longest common subsequence of a[i...] and b[j...].
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var steps: [Step] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                steps.append(Step(mark: " ", text: a[i], oldLine: i, newLine: j))
                i += 1
                j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                steps.append(Step(mark: "-", text: a[i], oldLine: i, newLine: j))
                i += 1
            } else {
                steps.append(Step(mark: "+", text: b[j], oldLine: i, newLine: j))
                j += 1
            }
        }
        return steps
    }
}
