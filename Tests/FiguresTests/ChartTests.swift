import Figures
import Testing

@Suite struct ChartTests {
    @Test func plainTextSummaryNamesTitleAxesAndMarks() {
        let chart = Chart {
            for i in 0..<10 {
                LineMark(x: .value("iteration", i), y: .value("ELBO", Double(-i)))
            }
            RuleMark(y: .value("ELBO", -3.0))
        }
        .chartTitle("Convergence")
        let text = chart.mimeBundle.plainText
        #expect(text.hasPrefix("Chart: Convergence"))
        #expect(text.contains("x axis: iteration (linear, 0 to 9)"))
        #expect(text.contains("y axis: ELBO"))
        #expect(text.contains("10 line points, 1 rule"))
        #expect(chart.mimeBundle.representations["image/svg+xml"]?.hasPrefix("<svg") == true)
    }

    @Test func seriesGetPaletteColoursInOrder() {
        let chart = Chart {
            for (name, offset) in [("a", 0.0), ("b", 1.0)] {
                for i in 0..<3 {
                    LineMark(x: .value("x", i), y: .value("y", Double(i) + offset)).foregroundStyle(by: .value("s", name))
                }
            }
        }
        let svg = chart.svg
        #expect(svg.contains("stroke=\"#0072b2\""))
        #expect(svg.contains("stroke=\"#e69f00\""))
        #expect(chart.summary.contains("colour: s — a, b"))
        // One path per series, not one per point.
        #expect(svg.components(separatedBy: "stroke-linejoin=\"round\" stroke-linecap").count - 1 == 2)
    }

    @Test func integerSeriesAreCategoriesAndDoublesAreAColourScale() {
        let byComponent = Chart {
            for k in 1...3 { PointMark(x: .value("x", Double(k)), y: .value("y", 1.0)).foregroundStyle(by: .value("component", k)) }
        }
        #expect(byComponent.summary.contains("colour: component — 1, 2, 3"))
        let byDensity = Chart {
            for k in 1...3 { PointMark(x: .value("x", Double(k)), y: .value("y", 1.0)).foregroundStyle(by: .value("p", Double(k) / 3)) }
        }
        #expect(byDensity.summary.contains("colour scale: p from 0.3333 to 1"))
        #expect(byDensity.svg.contains("#fde725"), "the largest value gets the top of viridis")
    }

    @Test func logScaleTicksArePowersOfTen() {
        let chart = Chart {
            for n in [10.0, 100, 1000, 10000] { PointMark(x: .value("n", n), y: .value("error", 1 / n)) }
        }
        .chartXScale(type: .log)
        .chartYScale(type: .log)
        let svg = chart.svg
        for label in [">10<", ">100<", ">1000<", ">10000<", ">0.001<", ">10⁻⁴<"] {
            #expect(svg.contains(label), "missing tick label \(label)")
        }
        #expect(chart.summary.contains("x axis: n (log, 10 to 10000)"))
    }

    @Test func nonPositiveValuesOnALogAxisAreReportedNotDrawn() {
        let chart = Chart {
            PointMark(x: .value("x", 1.0), y: .value("y", 1.0))
            PointMark(x: .value("x", 2.0), y: .value("y", 0.0))
            PointMark(x: .value("x", 3.0), y: .value("y", Double.nan))
        }
        .chartYScale(type: .log)
        #expect(chart.summary.contains("not drawn: 2 marks"))
        #expect(chart.svg.components(separatedBy: "<circle").count - 1 == 1)
    }

    @Test func fixedDomainIsUsedExactly() {
        let chart = Chart { LineMark(x: .value("x", 0.3), y: .value("y", 0.7)) }
            .chartXScale(domain: 0...2)
            .chartYScale(domain: -1...1)
        #expect(chart.summary.contains("x axis: x (linear, 0 to 2)"))
        #expect(chart.summary.contains("y axis: y (linear, -1 to 1)"))
        #expect(chart.svg.contains(">−1<"), "negative ticks use the minus sign")
    }

    @Test func categoricalBarsShareABandSideBySide() {
        let chart = Chart {
            BarMark(x: .value("k", "a"), y: .value("v", 1.0)).foregroundStyle(by: .value("m", "p"))
            BarMark(x: .value("k", "a"), y: .value("v", 2.0)).foregroundStyle(by: .value("m", "q"))
        }
        #expect(chart.summary.contains("x axis: k (categories: a)"))
        #expect(chart.summary.contains("y axis: v (linear, 0 to 2)"), "bars start at zero")
    }

    @Test func frameSetsTheSize() {
        let svg = Chart { PointMark(x: .value("x", 1.0), y: .value("y", 1.0)) }.frame(width: 300, height: 200).svg
        #expect(svg.contains("width=\"300\" height=\"200\" viewBox=\"0 0 300 200\""))
    }

    @Test func gridSharesAxesAndColours() {
        let grid = ChartGrid(columns: 2) {
            Chart { PointMark(x: .value("x", 0.0), y: .value("y", 0.0)).foregroundStyle(by: .value("c", "b")) }
            Chart { PointMark(x: .value("x", 10.0), y: .value("y", 5.0)).foregroundStyle(by: .value("c", "a")) }
        }
        let summary = grid.summary
        #expect(summary.contains("2 panels in 1 rows of 2, shared axes"))
        #expect(summary.components(separatedBy: "x axis: x (linear, 0 to 10)").count - 1 == 2)
        // "b" appears first across the grid, so it is blue in both panels and "a" is orange.
        #expect(grid.svg.contains("fill=\"#e69f00\""))
        let independent = ChartGrid(columns: 2, axes: .independent) {
            Chart { PointMark(x: .value("x", 0.0), y: .value("y", 0.0)) }
            Chart { PointMark(x: .value("x", 10.0), y: .value("y", 5.0)) }
        }
        #expect(!independent.summary.contains("x axis: x (linear, 0 to 10)\n  y axis: y (linear, -1 to 1)"))
    }

    @Test func textValuesGiveTheirMIMETypes() {
        let latex = LaTeX(#"\mathrm{KL}(q \| p) \ge 0"#).mimeBundle
        #expect(latex.representations["text/latex"] == #"$$\mathrm{KL}(q \| p) \ge 0$$"#)
        #expect(latex.plainText == #"\mathrm{KL}(q \| p) \ge 0"#)
        let markdown = Markdown("**ELBO** ≤ log p(x)").mimeBundle
        #expect(markdown.representations["text/markdown"] == "**ELBO** ≤ log p(x)")
        #expect(markdown.plainText == "**ELBO** ≤ log p(x)")
    }
}
