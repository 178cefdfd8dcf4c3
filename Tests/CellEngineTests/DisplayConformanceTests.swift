import CellEngine
import Testing

/// The runtime's `NotebookDisplayable` protocol reaches every displayable type of the figures library:
/// each shows its rich form as a cell's last expression and through `display(_:)`, as before the
/// protocol moved out of Figures.
@Suite(.serialized) struct DisplayConformanceTests {
    let session: CellSession

    init() throws {
        session = try makeSession()
    }

    /// The MIME types of a cell's last value.
    private func resultTypes(_ code: String) -> Set<String> {
        let (result, _) = session.run(code)
        if case .failure(let failure) = result { Issue.record("\(failure.traceback)") }
        return Set((try? result.get())?.result?.data.keys.map { $0 } ?? [])
    }

    @Test func figuresValuesAsTheLastExpressionShowTheirRichForm() {
        let chart = "Chart { LineMark(x: .value(\"i\", 1), y: .value(\"v\", 2)) }"
        #expect(resultTypes(chart) == ["text/plain", "image/svg+xml"])
        #expect(resultTypes("ChartGrid(columns: 2) { \(chart); \(chart) }") == ["text/plain", "image/svg+xml"])
        #expect(
            resultTypes("Table(columns: [\"k\", \"p\"], rows: [[1, 0.5], [2, 0.5]])")
                == ["text/plain", "text/html", "text/markdown"])
        #expect(resultTypes("LaTeX(\"x^2\")") == ["text/plain", "text/latex"])
        #expect(resultTypes("Markdown(\"**ELBO**\")") == ["text/plain", "text/markdown"])
    }

    @Test func displayOfAChartSendsItsSVG() {
        let (result, output) = session.run("display(Chart { PointMark(x: .value(\"x\", 1), y: .value(\"y\", 1)) })")
        if case .failure(let failure) = result { Issue.record("\(failure.traceback)") }
        guard case .display(let shown)? = output.events.first else {
            Issue.record("expected a display event, got \(output.events)")
            return
        }
        #expect(shown.data["image/svg+xml"]?.hasPrefix("<svg") == true)
    }
}
