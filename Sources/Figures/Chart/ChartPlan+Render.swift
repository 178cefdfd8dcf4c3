/// The chart frame: title, grid, plot area, axes and legend.
extension ChartPlan {
    /// Draws the whole chart at the origin of the current coordinate system.
    func render(into writer: inout SVGWriter) {
        let right = plotLeft + plotWidth, bottom = plotTop + plotHeight
        if let title = chart.title {
            writer.text(title, x: plotLeft + plotWidth / 2, y: 24, size: 14, weight: "bold")
        }

        // Grid lines behind the marks.
        writer.raw("<g stroke=\"#e4e4e4\" stroke-width=\"1\">\n")
        if !xScale.isBand {
            for tick in xTicks {
                let x = plotLeft + tick.fraction * plotWidth
                gridLine(x, plotTop, x, bottom, major: tick.major, into: &writer)
            }
        }
        if !yScale.isBand {
            for tick in yTicks {
                let y = plotTop + (1 - tick.fraction) * plotHeight
                gridLine(plotLeft, y, right, y, major: tick.major, into: &writer)
            }
        }
        writer.raw("</g>\n")

        // Marks, clipped to the plot area (plus a few pixels so that symbols at the edge stay whole).
        writer.raw("<svg")
        writer.attribute("x", plotLeft - ChartPlan.pad)
        writer.attribute("y", plotTop - ChartPlan.pad)
        writer.attribute("width", plotWidth + 2 * ChartPlan.pad)
        writer.attribute("height", plotHeight + 2 * ChartPlan.pad)
        writer.raw(" overflow=\"hidden\">\n")
        renderMarks(into: &writer)
        writer.raw("</svg>\n")

        // Axes.
        writer.raw("<g stroke=\"#555555\" stroke-width=\"1\" fill=\"none\">\n<path d=\"M")
        writer.number(plotLeft)
        writer.raw(" ")
        writer.number(plotTop)
        writer.raw("V")
        writer.number(bottom)
        writer.raw("H")
        writer.number(right)
        for tick in xTicks where tick.major {
            writer.raw("M")
            writer.number(plotLeft + tick.fraction * plotWidth)
            writer.raw(" ")
            writer.number(bottom)
            writer.raw("v5")
        }
        for tick in yTicks where tick.major {
            writer.raw("M")
            writer.number(plotLeft)
            writer.raw(" ")
            writer.number(plotTop + (1 - tick.fraction) * plotHeight)
            writer.raw("h-5")
        }
        writer.raw("\"/>\n</g>\n<g font-size=\"11\" fill=\"#333333\">\n")
        for tick in xTicks where !tick.label.isEmpty {
            writer.text(tick.label, x: plotLeft + tick.fraction * plotWidth, y: bottom + 18, size: 12)
        }
        for tick in yTicks where !tick.label.isEmpty {
            writer.text(tick.label, x: plotLeft - 8, y: plotTop + (1 - tick.fraction) * plotHeight + 4, anchor: "end", size: 12)
        }
        writer.raw("</g>\n")
        if !xLabel.isEmpty {
            writer.text(xLabel, x: plotLeft + plotWidth / 2, y: bottom + 38)
        }
        if !yLabel.isEmpty {
            writer.text(yLabel, x: 16, y: plotTop + plotHeight / 2, rotate: true)
        }
        if showLegend { renderLegend(x: right + 14, y: plotTop, into: &writer) }
    }

    private func gridLine(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, major: Bool, into writer: inout SVGWriter) {
        writer.raw("<line")
        writer.attribute("x1", x1)
        writer.attribute("y1", y1)
        writer.attribute("x2", x2)
        writer.attribute("y2", y2)
        if !major { writer.raw(" stroke-opacity=\"0.5\"") }
        writer.raw("/>\n")
    }

    /// The legend: categorical series, symbol series, then a colour bar for `Double` colours.
    func renderLegend(x: Double, y top: Double, into writer: inout SVGWriter) {
        var y = top
        writer.raw("<g>\n")
        let combined = !symbolKeys.isEmpty && symbolTitle == seriesTitle
        if !seriesKeys.isEmpty {
            writer.text(seriesTitle, x: x, y: y + 10, anchor: "start", weight: "bold")
            y += 22
            for (index, key) in seriesKeys.enumerated() {
                let colour = Color.categorical[index % Color.categorical.count].hexString
                let swatch = LegendSwatch(items.filter { item in
                    guard let series = item.style.series else { return false }
                    if case .number = series.value { return false }
                    return series.value.label == key
                })
                if swatch.drawsLine {
                    writer.raw("<line")
                    writer.attribute("x1", x)
                    writer.attribute("y1", y - 4)
                    writer.attribute("x2", x + 16)
                    writer.attribute("y2", y - 4)
                    writer.raw(" stroke=\"\(colour)\"")
                    var stroke = swatch.lineStyle
                    stroke.opacity = nil
                    stroke.lineWidth = Swift.min(3, Swift.max(1.5, stroke.lineWidth ?? 2.5))
                    strokeAttributes(stroke, width: 2.5, into: &writer)
                    writer.raw("/>\n")
                }
                if swatch.drawsSymbol {
                    let shape: SymbolShape =
                        combined ? symbolShape(MarkStyle(symbolSeries: Channel(label: "", value: .category(key)))) : .circle
                    writeSymbol(shape, x: x + 8, y: y - 4, radius: swatch.drawsLine ? 3.5 : 4, fill: colour, into: &writer)
                }
                if swatch.drawsBox {
                    writer.raw("<rect")
                    writer.attribute("x", x + 2)
                    writer.attribute("y", y - 10)
                    writer.attribute("width", 12)
                    writer.attribute("height", 12)
                    writer.raw(" fill=\"\(colour)\"/>\n")
                }
                writer.text(key, x: x + 22, y: y, anchor: "start")
                y += 18
            }
            y += 8
        }
        if !symbolKeys.isEmpty && !combined {
            writer.text(symbolTitle, x: x, y: y + 10, anchor: "start", weight: "bold")
            y += 22
            for key in symbolKeys {
                let shape = symbolShape(MarkStyle(symbolSeries: Channel(label: "", value: .category(key))))
                writeSymbol(shape, x: x + 8, y: y - 4, radius: 4, fill: "#555555", into: &writer)
                writer.text(key, x: x + 22, y: y, anchor: "start")
                y += 18
            }
            y += 8
        }
        if let range = colourRange {
            writer.text(colourTitle, x: x, y: y + 10, anchor: "start", weight: "bold")
            y += 20
            let barHeight = Swift.max(40, Swift.min(160, top + plotHeight - y))
            let steps = 32
            writer.raw("<g shape-rendering=\"crispEdges\">\n")
            for step in 0..<steps {
                // Top of the bar is the largest value.
                let t = 1 - (Double(step) + 0.5) / Double(steps)
                writer.raw("<rect")
                writer.attribute("x", x)
                writer.attribute("y", y + barHeight * Double(step) / Double(steps))
                writer.attribute("width", 14)
                writer.attribute("height", barHeight / Double(steps) + 0.5)
                writer.raw(" fill=\"\(Color.viridis(t).hexString)\"/>\n")
            }
            writer.raw("</g>\n")
            let span = range.upperBound - range.lowerBound
            let scale = AxisScale.continuous(low: range.lowerBound, high: span > 0 ? range.upperBound : range.lowerBound + 1, log: false)
            let step = Scales.tickStep(low: range.lowerBound, high: span > 0 ? range.upperBound : range.lowerBound + 1, target: 4)
            var k = (range.lowerBound / step - 1e-9).rounded(.up)
            while k * step <= range.upperBound + step * 1e-9 {
                let f = scale.fraction(k * step)
                writer.text(Scales.label(k * step, step: step), x: x + 19, y: y + (1 - f) * barHeight + 4, anchor: "start", size: 11)
                k += 1
            }
        }
        writer.raw("</g>\n")
    }
}

/// What a categorical series' legend entry draws, from the kinds of marks in that series: a short line for
/// lines and rules (with the series' dash pattern), a dot for points, both for a line drawn through points,
/// and a filled box for bars, areas and rectangles that come without a line or points.
struct LegendSwatch {
    let drawsLine: Bool
    let drawsSymbol: Bool
    let drawsBox: Bool
    /// The stroke of the series' first line-like mark.
    let lineStyle: MarkStyle

    init(_ members: [MarkItem]) {
        let stroked: Set<MarkKind> = [.line, .rule, .errorBar, .ellipse, .contour]
        let filled: Set<MarkKind> = [.bar, .area, .rectangle]
        let kinds = Set(members.map(\.kind))
        let firstStroke = members.first { stroked.contains($0.kind) }
        drawsSymbol = kinds.contains(.point)
        drawsLine = firstStroke != nil
        drawsBox = !drawsSymbol && !drawsLine && (!kinds.isDisjoint(with: filled) || kinds.isEmpty)
        // Error bars alone are drawn solid in the legend; a line or rule gives its dash pattern.
        lineStyle = members.first { $0.kind == .line || $0.kind == .rule }?.style ?? firstStroke?.style ?? MarkStyle()
    }
}
