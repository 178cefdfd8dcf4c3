internal import SystemLibC

/// Everything rendering needs, computed once from a chart: extents, scales, series, layout.
struct ChartPlan {
    let chart: Chart
    let items: [MarkItem]
    let horizontalBars: Bool
    let xLabel: String
    let yLabel: String
    let xScale: AxisScale
    let yScale: AxisScale
    let xTicks: [Tick]
    let yTicks: [Tick]
    /// Categorical series keys in order of appearance, and the legend title.
    let seriesKeys: [String]
    let seriesTitle: String
    /// The range of `Double` series values (viridis), and its title.
    let colourRange: ClosedRange<Double>?
    let colourTitle: String
    /// Symbol series keys in order of appearance, and the legend title.
    let symbolKeys: [String]
    let symbolTitle: String
    let skipped: Int
    let showLegend: Bool
    // Layout, in the chart's own pixel coordinates.
    let plotLeft: Double, plotTop: Double, plotWidth: Double, plotHeight: Double
    let legendWidth: Double
    /// Half the width of bars positioned by a number, in pixels.
    let barHalfWidth: Double
    /// Bar series in a band, for side-by-side bars.
    let barSeries: [String]

    static let pad = 6.0

    init(
        _ chart: Chart, forcedX: AxisScale? = nil, forcedY: AxisScale? = nil, legend: Visibility? = nil,
        shared: ChartPlan? = nil
    ) {
        self.chart = chart
        let items = chart.elements.items
        self.items = items
        let horizontal = ChartPlan.isHorizontal(items)
        horizontalBars = horizontal

        xLabel = chart.xLabel ?? items.lazy.compactMap { $0.xChannels.first?.label }.first ?? ""
        yLabel = chart.yLabel ?? items.lazy.compactMap { $0.yChannels.first?.label }.first ?? ""

        let series = SeriesSummary(items, shared: shared)
        seriesKeys = series.keys
        seriesTitle = series.title
        colourRange = series.colourRange
        colourTitle = series.colourTitle
        symbolKeys = series.symbols
        symbolTitle = series.symbolTitle
        barSeries = series.bars

        let visibility = legend ?? chart.legend
        showLegend = visibility == .visible || (visibility == .automatic && series.wantsLegend)
        let legendWidth = showLegend ? series.legendWidth(chartWidth: chart.width) : 0
        self.legendWidth = legendWidth

        // Layout and scales.
        let titleHeight = chart.title == nil ? 0.0 : 26
        let top = 12 + titleHeight
        let bottom: Double = 30 + (xLabel.isEmpty ? 0 : 18)
        let plotHeight = Swift.max(40, chart.height - top - bottom)
        let yTarget = Swift.max(3, Int(plotHeight / 50))
        let exact = ChartPlan.fitsExactly(items)
        let yScale =
            forcedY
            ?? Scales.scale(
                for: ChartPlan.extent(items, .y, horizontal: horizontal, spec: chart.ySpec), spec: chart.ySpec,
                tickTarget: yTarget, exact: exact)
        let yTicks = Scales.ticks(yScale, target: yTarget)
        let yTickWidth = yTicks.map { estimatedTextWidth($0.label, size: 11) }.max() ?? 0
        let left = 12 + (yLabel.isEmpty ? 0 : 20) + yTickWidth + 8
        let right = 18 + (showLegend ? legendWidth + 14 : 0)
        let plotWidth = Swift.max(40, chart.width - left - right)
        let xTarget = Swift.max(3, Int(plotWidth / 80))
        let xScale =
            forcedX
            ?? Scales.scale(
                for: ChartPlan.extent(items, .x, horizontal: horizontal, spec: chart.xSpec), spec: chart.xSpec,
                tickTarget: xTarget, exact: exact)
        self.xScale = xScale
        self.yScale = yScale
        xTicks = Scales.ticks(xScale, target: xTarget)
        self.yTicks = yTicks
        plotLeft = left
        plotTop = top
        self.plotWidth = plotWidth
        self.plotHeight = plotHeight

        barHalfWidth = ChartPlan.barHalfWidth(
            items, horizontal: horizontal, scale: horizontal ? yScale : xScale,
            length: horizontal ? plotHeight : plotWidth)

        skipped = items.count { !ChartPlan.drawable($0, x: xScale, y: yScale) }
    }

    /// Half the width of bars placed by a number: 40 % of the smallest gap between their positions.
    static func barHalfWidth(_ items: [MarkItem], horizontal: Bool, scale: AxisScale, length: Double) -> Double {
        var positions: [Double] = []
        for item in items where item.kind == .bar {
            let channel = horizontal ? item.y : item.x
            if let value = channel?.value.numeric, horizontal ? item.yStart == nil : item.xStart == nil {
                positions.append(scale.fraction(value) * length)
            }
        }
        positions.sort()
        let gaps = zip(positions, positions.dropFirst()).map { $1 - $0 }.filter { $0 > 0.5 }
        return Swift.max(0.5, 0.4 * (gaps.min() ?? Swift.min(40, length / 4)))
    }

    /// The chart's series: categorical keys, a numeric colour range, symbols and bar series, each with its
    /// legend title.
    struct SeriesSummary {
        var keys: [String] = [], symbols: [String] = [], bars: [String] = []
        var title = "", colourTitle = "", symbolTitle = ""
        var colourRange: ClosedRange<Double>?

        /// Collects the series in order of appearance; a grid's panels take the grid's (`shared`) order, so
        /// that colours agree between panels.
        init(_ items: [MarkItem], shared: ChartPlan?) {
            var low = Double.infinity, high = -Double.infinity
            for item in items {
                if let series = item.style.series {
                    if case .number(let value) = series.value {
                        if value.isFinite {
                            low = Swift.min(low, value)
                            high = Swift.max(high, value)
                        }
                        if colourTitle.isEmpty { colourTitle = series.label }
                    } else {
                        if !keys.contains(series.value.label) { keys.append(series.value.label) }
                        if title.isEmpty { title = series.label }
                        if item.kind == .bar, !bars.contains(series.value.label) { bars.append(series.value.label) }
                    }
                }
                if let symbol = item.style.symbolSeries {
                    if !symbols.contains(symbol.value.label) { symbols.append(symbol.value.label) }
                    if symbolTitle.isEmpty { symbolTitle = symbol.label }
                }
            }
            if let shared {
                keys = shared.seriesKeys
                symbols = shared.symbolKeys
                bars = shared.barSeries
                if let range = shared.colourRange { (low, high) = (range.lowerBound, range.upperBound) }
            }
            colourRange = low <= high ? low...high : nil
        }

        var wantsLegend: Bool { !keys.isEmpty || !symbols.isEmpty || colourRange != nil }

        /// The legend's width: its widest title or entry, or the colour bar, at most 40 % of the chart.
        func legendWidth(chartWidth: Double) -> Double {
            let titles = [title, colourTitle, symbolTitle].map { estimatedTextWidth($0, size: 12) * 1.08 }
            let entries = (keys + symbols).map { estimatedTextWidth($0) + 24 }
            let bar: Double = colourRange == nil ? 0 : 82
            return Swift.min(chartWidth * 0.4, Swift.max(60, (titles + entries + [bar]).max() ?? 60))
        }
    }

    // MARK: Extents

    /// A chart of tiles (heat-map rectangles and contours) fills its axes exactly, without rounding out.
    static func fitsExactly(_ items: [MarkItem]) -> Bool {
        items.contains { $0.kind == .rectangle } && items.allSatisfy { $0.kind == .rectangle || $0.kind == .contour }
    }

    /// Bars are horizontal when y holds categories and x does not.
    static func isHorizontal(_ items: [MarkItem]) -> Bool {
        func hasCategory(_ channels: [Channel]) -> Bool {
            channels.contains { if case .category = $0.value { return true } else { return false } }
        }
        let xCategories = items.contains { hasCategory($0.xChannels) }
        let yCategories = items.contains { hasCategory($0.yChannels) }
        return yCategories && !xCategories
    }

    /// The data range of one axis: categories in order of appearance, or the numeric span
    /// (with zero for bars and areas that start at zero, and room for bars placed by a number).
    static func extent(_ items: [MarkItem], _ axis: Axis, horizontal: Bool, spec: ScaleSpec) -> Extent {
        let log = spec.type == .log
        var categories: [String] = []
        var low = Double.infinity, high = -Double.infinity
        func add(_ value: Double) {
            guard value.isFinite, !log || value > 0 else { return }
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        var barPositions: [Double] = []
        let valueAxis: Axis = horizontal ? .x : .y
        for item in items {
            let channels = axis == .x ? item.xChannels : item.yChannels
            for channel in channels {
                switch channel.value {
                case .category(let name): if !categories.contains(name) { categories.append(name) }
                case .number(let value): add(value)
                case .integer(let value): add(Double(value))
                }
            }
            for path in item.paths {
                for point in path { add(axis == .x ? point.x : point.y) }
            }
            let single = axis == .x ? (item.x != nil && item.xStart == nil) : (item.y != nil && item.yStart == nil)
            if (item.kind == .bar || item.kind == .area) && axis == valueAxis && single && !log { add(0) }
            if item.kind == .bar && axis != valueAxis && single, let value = (axis == .x ? item.x : item.y)?.value.numeric {
                barPositions.append(value)
            }
        }
        if !categories.isEmpty {
            // Numbers on a categorical axis become categories too.
            for item in items {
                for channel in (axis == .x ? item.xChannels : item.yChannels) where channel.value.numeric != nil {
                    if !categories.contains(channel.value.label) { categories.append(channel.value.label) }
                }
            }
            // The first category reads first: leftmost on x, topmost on y.
            return .band(axis == .y ? categories.reversed() : categories)
        }
        guard low <= high else { return .empty }
        let sorted = Array(Set(barPositions)).sorted()
        if !sorted.isEmpty, !log {
            let gap = zip(sorted, sorted.dropFirst()).map { $1 - $0 }.min() ?? 1
            low = Swift.min(low, sorted[0] - gap / 2)
            high = Swift.max(high, sorted[sorted.count - 1] + gap / 2)
        }
        // Symbols and error bars keep a little distance from the axes.
        if !log && !spec.isFixed && items.contains(where: { [.point, .errorBar, .ellipse].contains($0.kind) }) {
            let margin = 0.03 * Swift.max(high - low, Swift.abs(high) * 1e-9)
            low -= margin
            high += margin
        }
        return .numeric(low, high)
    }

    /// The extents of both axes of a chart, for sharing axes between panels.
    static func extents(_ chart: Chart) -> (x: Extent, y: Extent) {
        let items = chart.elements.items
        let horizontal = isHorizontal(items)
        return (extent(items, .x, horizontal: horizontal, spec: chart.xSpec), extent(items, .y, horizontal: horizontal, spec: chart.ySpec))
    }

    /// Whether every value of a mark can be placed on its axes.
    static func drawable(_ item: MarkItem, x: AxisScale, y: AxisScale) -> Bool {
        func ok(_ channel: Channel, _ scale: AxisScale) -> Bool {
            switch (channel.value, scale) {
            case (.category(let name), .band(let names)): return names.contains(name)
            case (.category, .continuous): return false
            case (_, .band(let names)): return names.contains(channel.value.label)
            case (_, .continuous): return scale.accepts(channel.value.numeric!)
            }
        }
        if !item.xChannels.allSatisfy({ ok($0, x) }) || !item.yChannels.allSatisfy({ ok($0, y) }) { return false }
        return item.paths.allSatisfy { $0.allSatisfy { x.accepts($0.x) && y.accepts($0.y) } }
    }

    // MARK: Text

    /// The accessible name: the title, or "y against x".
    var accessibleTitle: String {
        if let title = chart.title { return title }
        if !xLabel.isEmpty, !yLabel.isEmpty { return "Chart of \(yLabel) against \(xLabel)" }
        return "Chart"
    }

    /// The accessible description.
    var description: String { chart.summaryOverride ?? summaryLines.dropFirst().joined(separator: "\n") }

    /// The plain-text summary.
    var summaryLines: [String] {
        var lines = [chart.title.map { "Chart: \($0)" } ?? "Chart"]
        func describe(_ name: String, _ label: String, _ scale: AxisScale) -> String {
            let title = label.isEmpty ? "(untitled)" : label
            switch scale {
            case .band(let categories):
                return "\(name) axis: \(title) (categories: \(categories.joined(separator: ", ")))"
            case .continuous(let low, let high, let log):
                let range = DecimalFormat.significant(low, digits: 4) + " to " + DecimalFormat.significant(high, digits: 4)
                return "\(name) axis: \(title) (\(log ? "log" : "linear"), \(range))"
            }
        }
        lines.append(describe("x", xLabel, xScale))
        lines.append(describe("y", yLabel, yScale))
        var counts: [MarkKind: Int] = [:]
        for item in items { counts[item.kind, default: 0] += 1 }
        let parts = MarkKind.allCases.compactMap { kind -> String? in
            guard let count = counts[kind] else { return nil }
            return "\(count) \(count == 1 ? kind.names.0 : kind.names.1)"
        }
        lines.append("marks: " + (parts.isEmpty ? "none" : parts.joined(separator: ", ")))
        if !seriesKeys.isEmpty { lines.append("colour: \(seriesTitle) — \(seriesKeys.joined(separator: ", "))") }
        if let range = colourRange {
            lines.append(
                "colour scale: \(colourTitle) from \(DecimalFormat.significant(range.lowerBound, digits: 4)) to \(DecimalFormat.significant(range.upperBound, digits: 4))"
            )
        }
        if !symbolKeys.isEmpty { lines.append("symbol: \(symbolTitle) — \(symbolKeys.joined(separator: ", "))") }
        if skipped > 0 {
            lines.append("not drawn: \(skipped) mark\(skipped == 1 ? "" : "s") with non-finite values, or non-positive values on a log axis")
        }
        return lines
    }
}
