/// Whether a chart part is shown.
public enum Visibility: String, Sendable, Hashable {
    /// Shown when there is something to show (a legend when marks are coloured by a value).
    case automatic
    /// Always shown.
    case visible
    /// Never shown.
    case hidden
}

/// A chart: marks built declaratively, rendered as deterministic, accessible SVG.
///
/// ```swift
/// Chart {
///     for (i, ll) in trace.enumerated() {
///         LineMark(x: .value("iteration", i), y: .value("log-likelihood", ll))
///     }
/// }
/// .chartTitle("EM on Old Faithful")
/// ```
/// As the last expression of a notebook cell it shows as an image; its `text/plain` form names the
/// title, the axes and the mark counts.
public struct Chart: Sendable {
    var elements: ChartElements
    var title: String?
    var xLabel: String?
    var yLabel: String?
    var xSpec = ScaleSpec()
    var ySpec = ScaleSpec()
    var width = 640.0
    var height = 400.0
    var legend = Visibility.automatic
    var summaryOverride: String?

    /// A chart of the marks the builder produces.
    /// - Parameter content: Marks, `for` loops and `if` statements of marks.
    /// - Throws: Rethrows what the builder throws (e.g. an invalid `EllipseMark`).
    public init(@ChartContentBuilder content: () throws -> ChartElements) rethrows {
        elements = try content()
    }

    /// A chart with marks for each element of a collection.
    /// - Parameters:
    ///   - data: The elements, in drawing order.
    ///   - content: The marks of one element.
    /// - Throws: Rethrows what the builder throws.
    public init<Data: Sequence>(_ data: Data, @ChartContentBuilder content: (Data.Element) throws -> ChartElements)
        rethrows
    {
        var items: [MarkItem] = []
        for element in data { items += try content(element).items }
        elements = ChartElements(items)
    }

    // MARK: Modifiers

    /// Sets the title shown above the plot (and used as the SVG's accessible name).
    /// - Parameter title: The title.
    /// - Returns: The modified chart.
    public func chartTitle(_ title: String) -> Chart { with { $0.title = title } }

    /// Sets the x axis title (by default the label of the first `.value` on x).
    /// - Parameter label: The axis title.
    /// - Returns: The modified chart.
    public func chartXAxisLabel(_ label: String) -> Chart { with { $0.xLabel = label } }

    /// Sets the y axis title (by default the label of the first `.value` on y).
    /// - Parameter label: The axis title.
    /// - Returns: The modified chart.
    public func chartYAxisLabel(_ label: String) -> Chart { with { $0.yLabel = label } }

    /// Fixes the x domain and/or chooses a log scale.
    /// - Parameters:
    ///   - domain: The values at the axis ends; `nil` to fit the data, rounded to nice ticks.
    ///   - type: `.linear` or `.log` (non-positive values are then skipped, and the summary says so).
    /// - Returns: The modified chart.
    public func chartXScale(domain: ClosedRange<Double>? = nil, type: ScaleType = .linear) -> Chart {
        with { $0.xSpec = ScaleSpec(domain: domain, type: type) }
    }

    /// Fixes the y domain and/or chooses a log scale.
    /// - Parameters:
    ///   - domain: The values at the axis ends; `nil` to fit the data, rounded to nice ticks.
    ///   - type: `.linear` or `.log`.
    /// - Returns: The modified chart.
    public func chartYScale(domain: ClosedRange<Double>? = nil, type: ScaleType = .linear) -> Chart {
        with { $0.ySpec = ScaleSpec(domain: domain, type: type) }
    }

    /// Sets the size of the SVG in pixels (640 × 400 by default, which fits a notebook column).
    /// - Parameters:
    ///   - width: Width, at least 160.
    ///   - height: Height, at least 120.
    /// - Returns: The modified chart.
    public func frame(width: Double = 640, height: Double = 400) -> Chart {
        with {
            $0.width = Swift.max(160, width.isFinite ? width : 640)
            $0.height = Swift.max(120, height.isFinite ? height : 400)
        }
    }

    /// Shows or hides the legend.
    /// - Parameter visibility: `.automatic`, `.visible` or `.hidden`.
    /// - Returns: The modified chart.
    public func chartLegend(_ visibility: Visibility) -> Chart { with { $0.legend = visibility } }

    /// Replaces the generated accessible description (`<desc>`) with your own words.
    /// - Parameter text: What the chart shows, for readers who cannot see it.
    /// - Returns: The modified chart.
    public func accessibilityDescription(_ text: String) -> Chart { with { $0.summaryOverride = text } }

    private func with(_ change: (inout Chart) -> Void) -> Chart {
        var copy = self
        change(&copy)
        return copy
    }

    // MARK: Output

    /// The chart as a standalone SVG document.
    public var svg: String {
        let plan = ChartPlan(self)
        var writer = SVGWriter(capacity: 1024 + plan.items.count * 40)
        writer.openDocument(width: width, height: height, title: plan.accessibleTitle, description: plan.description)
        plan.render(into: &writer)
        writer.raw("</svg>\n")
        return writer.string
    }

    /// A plain-text summary: title, axes with their ranges, mark counts and series.
    public var summary: String { ChartPlan(self).summaryLines.joined(separator: "\n") }

    /// The chart as SVG, with the summary as its plain text.
    public var mimeBundle: MIMEBundle {
        MIMEBundle(plainText: summary, ["image/svg+xml": svg])
    }
}

extension SVGWriter {
    /// Writes the `<svg>` start tag, `<title>`, `<desc>` and a white background.
    mutating func openDocument(width: Double, height: Double, title: String, description: String) {
        raw("<svg xmlns=\"http://www.w3.org/2000/svg\"")
        attribute("width", width)
        attribute("height", height)
        raw(" viewBox=\"0 0 ")
        number(width)
        raw(" ")
        number(height)
        raw("\" role=\"img\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n<title>")
        escaped(title)
        raw("</title>\n<desc>")
        escaped(description)
        raw("</desc>\n<rect")
        attribute("width", width)
        attribute("height", height)
        raw(" fill=\"#ffffff\"/>\n")
    }
}
