import Figures
import Foundation
import Testing

/// The legend's swatch for a series shows how the series is drawn: a line, a dot, both, or a box.
@Suite struct LegendTests {
    /// The legend of a chart: everything after its title, which the renderer writes last.
    private func legend(_ svg: String, title: String) -> String {
        guard let range = svg.range(of: ">\(title)</text>", options: .backwards) else { return "" }
        return String(svg[range.upperBound...])
    }

    private func entry(_ legend: String, _ key: String) -> String {
        // Each entry is its swatch followed by the key's <text>; take the text between the previous entry and it.
        guard let end = legend.range(of: ">\(key)</text>") else { return "" }
        let before = legend[..<end.lowerBound]
        let start = before.range(of: "</text>", options: .backwards)?.upperBound ?? before.startIndex
        return String(before[start...])
    }

    @Test func lineSeriesGetALineAndPointSeriesADot() {
        let chart = Chart {
            for i in 0..<5 {
                LineMark(x: .value("x", i), y: .value("y", Double(i))).foregroundStyle(by: .value("series", "model"))
                PointMark(x: .value("x", i), y: .value("y", Double(i) + 0.3)).foregroundStyle(by: .value("series", "data"))
                LineMark(x: .value("x", i), y: .value("y", Double(i) * 0.5)).foregroundStyle(by: .value("series", "fit"))
                PointMark(x: .value("x", i), y: .value("y", Double(i) * 0.5)).foregroundStyle(by: .value("series", "fit"))
            }
            RuleMark(y: .value("y", 2.0))
                .foregroundStyle(by: .value("series", "truth"))
                .lineStyle(StrokeStyle(lineWidth: 2, dash: [6, 4]))
        }
        let shown = legend(chart.svg, title: "series")
        #expect(!shown.isEmpty, "the legend title is drawn")

        let model = entry(shown, "model")
        #expect(model.contains("<line") && model.contains("stroke=\"#0072b2\""), "a line series gets a line: \(model)")
        #expect(!model.contains("<circle"), "a line series gets no dot: \(model)")

        let data = entry(shown, "data")
        #expect(data.contains("<circle") && data.contains("fill=\"#e69f00\""), "a point series gets a dot: \(data)")
        #expect(!data.contains("<line"), "a point series gets no line: \(data)")

        let fit = entry(shown, "fit")
        #expect(fit.contains("<line") && fit.contains("<circle"), "a line through points gets both: \(fit)")

        let truth = entry(shown, "truth")
        #expect(truth.contains("<line") && truth.contains("stroke-dasharray=\"6 4\""), "a dashed rule is dashed: \(truth)")
        #expect(!truth.contains("<circle"), "a rule gets no dot: \(truth)")
    }

    @Test func barSeriesGetABox() {
        let chart = Chart {
            BarMark(x: .value("outcome", "a"), y: .value("p", 0.4)).foregroundStyle(by: .value("kind", "empirical"))
            BarMark(x: .value("outcome", "b"), y: .value("p", 0.6)).foregroundStyle(by: .value("kind", "empirical"))
            PointMark(x: .value("outcome", "a"), y: .value("p", 0.5)).foregroundStyle(by: .value("kind", "model"))
        }
        let shown = legend(chart.svg, title: "kind")
        let bars = entry(shown, "empirical")
        #expect(bars.contains("<rect") && !bars.contains("<circle") && !bars.contains("<line"), "bars get a box: \(bars)")
        let points = entry(shown, "model")
        #expect(points.contains("<circle") && !points.contains("<rect"), "points get a dot: \(points)")
    }
}
