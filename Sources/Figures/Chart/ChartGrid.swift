/// Whether the panels of a `ChartGrid` share their axes.
public enum AxisSharing: String, Sendable, Hashable {
    /// Every panel shows the same x and y ranges (the union of all panels' data), so panels compare at a glance.
    case shared
    /// Each panel fits its own data.
    case independent
}

/// Small multiples: charts in a grid of panels, e.g. EM after 0, 1, 5 and 20 iterations.
///
/// ```swift
/// ChartGrid(columns: 2) {
///     for t in [0, 1, 5, 20] {
///         Chart { … }.chartTitle("iteration \(t)")
///     }
/// }
/// ```
/// Series keep the same colours in every panel, and one legend serves the whole grid.
public struct ChartGrid: Sendable {
    /// The panels, row by row.
    public let charts: [Chart]
    let columns: Int
    let axes: AxisSharing
    let panelWidth: Double
    let panelHeight: Double
    var title: String?

    /// A grid of charts.
    /// - Parameters:
    ///   - columns: Panels per row (at least 1).
    ///   - axes: `.shared` (default) or `.independent` axes.
    ///   - panelWidth: Width of each panel in pixels.
    ///   - panelHeight: Height of each panel in pixels.
    ///   - charts: The panels, row by row; `for` and `if` work.
    /// - Throws: Rethrows what the builder throws.
    public init(
        columns: Int = 2, axes: AxisSharing = .shared, panelWidth: Double = 320, panelHeight: Double = 240,
        @ChartGridBuilder charts: () throws -> [Chart]
    ) rethrows {
        self.charts = try charts()
        self.columns = Swift.max(1, columns)
        self.axes = axes
        self.panelWidth = Swift.max(160, panelWidth)
        self.panelHeight = Swift.max(120, panelHeight)
    }

    /// A grid with one chart per element.
    /// - Parameters:
    ///   - data: The elements, one panel each.
    ///   - columns: Panels per row.
    ///   - axes: `.shared` or `.independent` axes.
    ///   - panelWidth: Width of each panel.
    ///   - panelHeight: Height of each panel.
    ///   - chart: The chart of one element.
    /// - Throws: Rethrows what `chart` throws.
    public init<Data: Sequence>(
        _ data: Data, columns: Int = 2, axes: AxisSharing = .shared, panelWidth: Double = 320, panelHeight: Double = 240,
        chart: (Data.Element) throws -> Chart
    ) rethrows {
        try self.init(columns: columns, axes: axes, panelWidth: panelWidth, panelHeight: panelHeight) {
            try data.map(chart)
        }
    }

    /// Sets a title above the whole grid.
    /// - Parameter title: The title.
    /// - Returns: The modified grid.
    public func chartTitle(_ title: String) -> ChartGrid {
        var copy = self
        copy.title = title
        return copy
    }

    /// The plans of every panel, and the plan whose legend serves the grid.
    private func plans() -> (panels: [ChartPlan], legend: ChartPlan?) {
        let panels = charts.map { $0.frame(width: panelWidth, height: panelHeight) }
        var all = Chart {}
        all.elements = ChartElements(panels.flatMap(\.elements.items))
        all.height = Double(rows) * panelHeight
        let combined = ChartPlan(all, legend: .automatic)
        var forcedX: AxisScale?, forcedY: AxisScale?
        if axes == .shared, let first = panels.first {
            var xExtent = Extent.empty, yExtent = Extent.empty
            for panel in panels {
                let (x, y) = ChartPlan.extents(panel)
                xExtent = xExtent.union(x)
                yExtent = yExtent.union(y)
            }
            let exact = panels.allSatisfy { ChartPlan.fitsExactly($0.elements.items) }
            forcedX = Scales.scale(for: xExtent, spec: first.xSpec, tickTarget: Swift.max(3, Int(panelWidth / 100)), exact: exact)
            forcedY = Scales.scale(for: yExtent, spec: first.ySpec, tickTarget: Swift.max(3, Int(panelHeight / 60)), exact: exact)
        }
        let plans = panels.map { ChartPlan($0, forcedX: forcedX, forcedY: forcedY, legend: .hidden, shared: combined) }
        return (plans, combined.showLegend ? combined : nil)
    }

    private var rows: Int { Swift.max(1, (charts.count + columns - 1) / columns) }

    /// The grid as one standalone SVG document.
    public var svg: String {
        let (panels, legend) = plans()
        let titleHeight = title == nil ? 0.0 : 30
        let legendWidth = legend.map { $0.legendWidth + 24 } ?? 0
        let width = Double(Swift.min(columns, Swift.max(1, charts.count))) * panelWidth + legendWidth
        let height = Double(rows) * panelHeight + titleHeight
        var writer = SVGWriter(capacity: 4096)
        writer.openDocument(width: width, height: height, title: accessibleTitle, description: summaryLines(panels).dropFirst().joined(separator: "\n"))
        if let title { writer.text(title, x: (width - legendWidth) / 2, y: 22, size: 15, weight: "bold") }
        for (index, panel) in panels.enumerated() {
            writer.raw("<g transform=\"translate(")
            writer.number(Double(index % columns) * panelWidth)
            writer.raw(" ")
            writer.number(Double(index / columns) * panelHeight + titleHeight)
            writer.raw(")\">\n")
            panel.render(into: &writer)
            writer.raw("</g>\n")
        }
        if let legend {
            legend.renderLegend(x: width - legendWidth + 8, y: titleHeight + 12, into: &writer)
        }
        writer.raw("</svg>\n")
        return writer.string
    }

    private var accessibleTitle: String { title ?? "Grid of \(charts.count) charts" }

    private func summaryLines(_ panels: [ChartPlan]) -> [String] {
        var lines = [title.map { "Chart grid: \($0)" } ?? "Chart grid"]
        lines.append("\(charts.count) panels in \(rows) rows of \(columns), \(axes == .shared ? "shared" : "independent") axes")
        for (index, panel) in panels.enumerated() {
            lines.append("panel \(index + 1):")
            lines += panel.summaryLines.map { "  " + $0 }
        }
        return lines
    }

    /// A plain-text summary of the grid and of each panel.
    public var summary: String { summaryLines(plans().panels).joined(separator: "\n") }

    /// The grid as SVG, with the summary as its plain text.
    public var mimeBundle: MIMEBundle { MIMEBundle(plainText: summary, ["image/svg+xml": svg]) }
}

/// The result builder behind `ChartGrid { … }`: charts, `for` loops and `if` statements of charts.
@resultBuilder
public enum ChartGridBuilder {
    /// One chart.
    public static func buildExpression(_ chart: Chart) -> [Chart] { [chart] }
    /// An array of charts, e.g. from `map`.
    public static func buildExpression(_ charts: [Chart]) -> [Chart] { charts }
    /// The statements of a block, in order.
    public static func buildBlock(_ parts: [Chart]...) -> [Chart] { parts.flatMap { $0 } }
    /// An `if` without `else`.
    public static func buildOptional(_ part: [Chart]?) -> [Chart] { part ?? [] }
    /// The `if` branch.
    public static func buildEither(first: [Chart]) -> [Chart] { first }
    /// The `else` branch.
    public static func buildEither(second: [Chart]) -> [Chart] { second }
    /// The iterations of a `for` loop.
    public static func buildArray(_ parts: [[Chart]]) -> [Chart] { parts.flatMap { $0 } }
}
