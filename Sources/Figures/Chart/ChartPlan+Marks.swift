internal import SystemLibC

/// Marks with the same kind and style share one SVG group (points, bars) or one path (lines, areas).
struct StyleKey: Hashable {
    var kind: MarkKind
    var style: MarkStyle
}

extension ChartPlan {
    // MARK: Positions (local coordinates of the plot's nested <svg>)

    func localX(_ fraction: Double) -> Double { ChartPlan.pad + fraction * plotWidth }
    func localY(_ fraction: Double) -> Double { ChartPlan.pad + (1 - fraction) * plotHeight }

    func pixel(_ fraction: Double, _ axis: Axis) -> Double { axis == .x ? localX(fraction) : localY(fraction) }

    /// The position in 0…1 of a value on a scale, or `nil` if it cannot be drawn there.
    func fraction(_ channel: Channel?, _ scale: AxisScale) -> Double? {
        guard let channel else { return nil }
        switch scale {
        case .band(let names):
            guard let index = names.firstIndex(of: channel.value.label) else { return nil }
            return (Double(index) + 0.5) / Double(names.count)
        case .continuous:
            guard let value = channel.value.numeric, scale.accepts(value) else { return nil }
            return scale.fraction(value)
        }
    }

    func point(_ item: MarkItem) -> (Double, Double)? {
        guard let fx = fraction(item.x, xScale), let fy = fraction(item.y, yScale) else { return nil }
        return (localX(fx), localY(fy))
    }

    /// Where zero lies on a value axis (clamped to the plot).
    func baseline(_ scale: AxisScale) -> Double {
        guard case .continuous(let low, let high, false) = scale else { return 0 }
        if low > 0 { return 0 }
        if high < 0 { return 1 }
        return scale.fraction(0)
    }

    /// The pixel extent of a bar, rectangle, rule or error bar along one axis; `nil` if not drawable.
    /// A single value on a continuous position axis gives a point (start == end) for rules and error bars.
    func interval(_ item: MarkItem, _ axis: Axis) -> (Double, Double)? {
        let scale = axis == .x ? xScale : yScale
        let (single, start, end) = axis == .x ? (item.x, item.xStart, item.xEnd) : (item.y, item.yStart, item.yEnd)
        if let start, let end {
            guard let a = fraction(start, scale), let b = fraction(end, scale) else { return nil }
            return (pixel(a, axis), pixel(b, axis))
        }
        guard let single else {
            // Rules without a value on this axis span the plot.
            return (pixel(0, axis), pixel(1, axis))
        }
        let valueAxis: Axis = horizontalBars ? .x : .y
        if item.kind == .bar || item.kind == .rectangle, let band = scale.band(of: single.value.label, padded: item.kind == .bar) {
            var (s, w) = band
            if item.kind == .bar, barSeries.count > 1, let key = item.style.series?.value.label,
                let index = barSeries.firstIndex(of: key)
            {
                w /= Double(barSeries.count)
                s += w * Double(index)
            }
            return (pixel(s, axis), pixel(s + w, axis))
        }
        guard let f = fraction(single, scale) else { return nil }
        if item.kind == .bar && axis == valueAxis { return (pixel(baseline(scale), axis), pixel(f, axis)) }
        if item.kind == .bar { return (pixel(f, axis) - barHalfWidth, pixel(f, axis) + barHalfWidth) }
        if item.kind == .rectangle { return (pixel(f, axis) - 5, pixel(f, axis) + 5) }
        return (pixel(f, axis), pixel(f, axis))
    }

    // MARK: Style

    func colour(_ style: MarkStyle, _ kind: MarkKind) -> String {
        if let color = style.color { return color.hexString }
        if let series = style.series {
            if case .number(let value) = series.value, let range = colourRange {
                let span = range.upperBound - range.lowerBound
                return Color.viridis(span > 0 ? (value - range.lowerBound) / span : 0.5).hexString
            }
            if let index = seriesKeys.firstIndex(of: series.value.label) {
                return Color.categorical[index % Color.categorical.count].hexString
            }
        }
        return kind == .contour || kind == .rule || kind == .errorBar ? "#444444" : Color.blue.hexString
    }

    func symbolShape(_ style: MarkStyle) -> SymbolShape {
        if let shape = style.symbol { return shape }
        if let series = style.symbolSeries, let index = symbolKeys.firstIndex(of: series.value.label) {
            return SymbolShape.allCases[index % SymbolShape.allCases.count]
        }
        return .circle
    }

    /// A style with a continuous colour value removed, so that such marks can share a group.
    func batchKey(_ item: MarkItem) -> StyleKey {
        var style = item.style
        if case .number = style.series?.value { style.series = Channel(label: "", value: .number(0)) }
        return StyleKey(kind: item.kind, style: style)
    }

    func strokeAttributes(_ style: MarkStyle, width defaultWidth: Double, into writer: inout SVGWriter) {
        writer.attribute("stroke-width", style.lineWidth ?? defaultWidth)
        if let dash = style.dash {
            writer.raw(" stroke-dasharray=\"")
            for (index, length) in dash.enumerated() {
                if index > 0 { writer.raw(" ") }
                writer.number(length)
            }
            writer.raw("\"")
        }
        if let opacity = style.opacity { writer.attribute("stroke-opacity", opacity) }
    }

    // MARK: Drawing

    /// Draws every mark inside the plot area, in the order given (later marks on top).
    func renderMarks(into writer: inout SVGWriter) {
        var groups: [StyleKey: [Int]] = [:]
        for (index, item) in items.enumerated() where item.kind == .line || item.kind == .area {
            groups[StyleKey(kind: item.kind, style: item.style), default: []].append(index)
        }
        var drawn = Set<StyleKey>()
        var index = 0
        while index < items.count {
            let item = items[index]
            switch item.kind {
            case .line, .area:
                let key = StyleKey(kind: item.kind, style: item.style)
                if drawn.insert(key).inserted {
                    let members = groups[key]!.map { items[$0] }
                    if item.kind == .line { drawLine(members, into: &writer) } else { drawArea(members, into: &writer) }
                }
                index += 1
            case .ellipse, .contour:
                drawPaths(item, into: &writer)
                index += 1
            case .point, .bar, .rectangle, .rule, .errorBar:
                let key = batchKey(item)
                var end = index + 1
                while end < items.count, items[end].kind == item.kind, batchKey(items[end]) == key { end += 1 }
                drawBatch(items[index..<end], into: &writer)
                index = end
            }
        }
    }

    private func drawLine(_ members: [MarkItem], into writer: inout SVGWriter) {
        let style = members[0].style
        writer.raw("<path fill=\"none\" stroke=\"\(colour(style, .line))\"")
        strokeAttributes(style, width: 2, into: &writer)
        writer.raw(" stroke-linejoin=\"round\" stroke-linecap=\"round\" d=\"")
        var penDown = false
        for member in members {
            guard let (x, y) = point(member) else {
                penDown = false
                continue
            }
            writer.raw(penDown ? " " : "M")
            writer.number(x)
            writer.raw(" ")
            writer.number(y)
            penDown = true
        }
        writer.raw("\"/>\n")
    }

    private func drawArea(_ members: [MarkItem], into writer: inout SVGWriter) {
        let style = members[0].style
        // Runs of drawable vertices: (x, upper, lower).
        var runs: [[(Double, Double, Double)]] = [[]]
        for member in members {
            guard let fx = fraction(member.x, xScale) else {
                runs.append([])
                continue
            }
            let upper: Double?, lower: Double?
            if member.yStart != nil || member.yEnd != nil {
                upper = fraction(member.yEnd, yScale)
                lower = fraction(member.yStart, yScale)
            } else {
                upper = fraction(member.y, yScale)
                lower = baseline(yScale)
            }
            guard let upper, let lower else {
                runs.append([])
                continue
            }
            runs[runs.count - 1].append((localX(fx), localY(upper), localY(lower)))
        }
        let fill = colour(style, .area)
        writer.raw("<path stroke=\"none\" fill=\"\(fill)\"")
        writer.attribute("fill-opacity", 0.3 * (style.opacity ?? 1))
        writer.raw(" d=\"")
        for run in runs where !run.isEmpty {
            writer.raw("M")
            for (offset, vertex) in run.enumerated() {
                if offset > 0 { writer.raw(" ") }
                writer.number(vertex.0)
                writer.raw(" ")
                writer.number(vertex.1)
            }
            for vertex in run.reversed() {
                writer.raw(" ")
                writer.number(vertex.0)
                writer.raw(" ")
                writer.number(vertex.2)
            }
            writer.raw("Z")
        }
        writer.raw("\"/>\n")
    }

    private func drawPaths(_ item: MarkItem, into writer: inout SVGWriter) {
        let style = item.style
        let stroke = colour(style, item.kind)
        if item.kind == .ellipse {
            writer.raw("<path fill=\"\(stroke)\"")
            writer.attribute("fill-opacity", 0.12 * (style.opacity ?? 1))
        } else {
            writer.raw("<path fill=\"none\"")
        }
        writer.raw(" stroke=\"\(stroke)\"")
        strokeAttributes(style, width: item.kind == .ellipse ? 2 : 1, into: &writer)
        writer.raw(" stroke-linejoin=\"round\" d=\"")
        guard ChartPlan.drawable(item, x: xScale, y: yScale) else {
            writer.raw("\"/>\n")
            return
        }
        for path in item.paths where !path.isEmpty {
            for (offset, vertex) in path.enumerated() {
                writer.raw(offset == 0 ? "M" : " ")
                writer.number(localX(xScale.fraction(vertex.x)))
                writer.raw(" ")
                writer.number(localY(yScale.fraction(vertex.y)))
            }
            if item.closed { writer.raw("Z") }
        }
        writer.raw("\"/>\n")
    }

    private func drawBatch(_ batch: ArraySlice<MarkItem>, into writer: inout SVGWriter) {
        let first = batch[batch.startIndex]
        let style = first.style
        let continuous: Bool
        if case .number = style.series?.value, style.color == nil { continuous = true } else { continuous = false }
        let colour = colour(style, first.kind)
        switch first.kind {
        case .point:
            writer.raw("<g")
            if !continuous { writer.raw(" fill=\"\(colour)\"") }
            if let opacity = style.opacity { writer.attribute("fill-opacity", opacity) }
            writer.raw(">\n")
            let radius = ((style.symbolSize ?? 30) / Double.pi).squareRoot()
            let shape = symbolShape(style)
            for item in batch {
                guard let (x, y) = point(item) else { continue }
                let fill = continuous ? self.colour(item.style, .point) : nil
                writeSymbol(shape, x: x, y: y, radius: radius, fill: fill, into: &writer)
            }
        case .bar, .rectangle:
            writer.raw("<g")
            if !continuous { writer.raw(" fill=\"\(colour)\"") }
            if let opacity = style.opacity { writer.attribute("fill-opacity", opacity) }
            if first.kind == .bar {
                writer.raw(" stroke=\"#ffffff\" stroke-width=\"0.5\"")
            } else {
                writer.raw(" shape-rendering=\"crispEdges\"")
            }
            writer.raw(">\n")
            for item in batch {
                guard var (x0, x1) = interval(item, .x), var (y0, y1) = interval(item, .y) else { continue }
                if item.kind == .rectangle {
                    // Tiles snap to whole pixels so that neighbours share edges exactly: no seams.
                    (x0, x1, y0, y1) = (x0.rounded(), x1.rounded(), y0.rounded(), y1.rounded())
                }
                writer.raw("<rect")
                writer.attribute("x", Swift.min(x0, x1))
                writer.attribute("y", Swift.min(y0, y1))
                writer.attribute("width", Swift.abs(x1 - x0))
                writer.attribute("height", Swift.abs(y1 - y0))
                if continuous { writer.raw(" fill=\"\(self.colour(item.style, item.kind))\"") }
                writer.raw("/>\n")
            }
        case .rule, .errorBar:
            writer.raw("<g fill=\"none\" stroke=\"\(colour)\"")
            strokeAttributes(style, width: 1.5, into: &writer)
            writer.raw(">\n")
            for item in batch {
                guard ChartPlan.drawable(item, x: xScale, y: yScale),
                    let (x0, x1) = interval(item, .x), let (y0, y1) = interval(item, .y)
                else { continue }
                writer.raw("<path d=\"M")
                writer.number(x0)
                writer.raw(" ")
                writer.number(y0)
                writer.raw("L")
                writer.number(x1)
                writer.raw(" ")
                writer.number(y1)
                if item.kind == .errorBar {
                    let vertical = x0 == x1
                    for (cx, cy) in [(x0, y0), (x1, y1)] {
                        writer.raw("M")
                        writer.number(vertical ? cx - 4 : cx)
                        writer.raw(" ")
                        writer.number(vertical ? cy : cy - 4)
                        writer.raw(vertical ? "h8" : "v8")
                    }
                }
                writer.raw("\"/>\n")
            }
        case .line, .area, .ellipse, .contour:
            return
        }
        writer.raw("</g>\n")
    }

    /// Writes one point symbol centred at (x, y) with roughly the area of a circle of `radius`.
    func writeSymbol(_ shape: SymbolShape, x: Double, y: Double, radius r: Double, fill: String?, into writer: inout SVGWriter) {
        if shape == .circle {
            writer.raw("<circle")
            writer.attribute("cx", x)
            writer.attribute("cy", y)
            writer.attribute("r", r)
        } else {
            let vertices: [(Double, Double)]
            switch shape {
            case .square:
                let h = r * 0.886
                vertices = [(-h, -h), (h, -h), (h, h), (-h, h)]
            case .triangle, .triangleDown:
                let t = r * 1.55, s: Double = shape == .triangle ? 1 : -1
                vertices = [(0, -t * s), (0.866 * t, 0.5 * t * s), (-0.866 * t, 0.5 * t * s)]
            case .diamond:
                let d = r * 1.25
                vertices = [(0, -d), (d, 0), (0, d), (-d, 0)]
            case .cross, .circle:
                let a = r * 1.3, w = r * 0.4
                vertices = [
                    (-w, -a), (w, -a), (w, -w), (a, -w), (a, w), (w, w), (w, a), (-w, a), (-w, w), (-a, w), (-a, -w), (-w, -w),
                ]
            }
            writer.raw("<path d=\"")
            for (index, vertex) in vertices.enumerated() {
                writer.raw(index == 0 ? "M" : "L")
                writer.number(x + vertex.0)
                writer.raw(" ")
                writer.number(y + vertex.1)
            }
            writer.raw("Z\"")
        }
        if let fill { writer.raw(" fill=\"\(fill)\"") }
        writer.raw("/>\n")
    }
}
