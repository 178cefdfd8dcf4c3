/// Something that can appear inside `Chart { … }`: a mark, a group of marks, or a helper such as
/// `Histogram`, `HeatMap` or `ContourLines`.
public protocol ChartContent: Sendable {
    /// The marks this content draws.
    var chartElements: ChartElements { get }
}

/// A list of marks with their styles — what a `Chart { … }` body builds. Its contents are opaque.
public struct ChartElements: ChartContent {
    var items: [MarkItem]

    init(_ items: [MarkItem]) { self.items = items }

    /// No marks.
    public init() { items = [] }

    /// The marks of several contents, in order.
    /// - Parameter contents: The contents to concatenate.
    public init(_ contents: [any ChartContent]) {
        items = contents.flatMap { $0.chartElements.items }
    }

    public var chartElements: ChartElements { self }

    /// The number of marks (a line of 20 points counts 20).
    public var count: Int { items.count }
}

/// The result builder behind `Chart { … }`: statements, `if`, `if`/`else` and `for` loops of marks.
@resultBuilder
public enum ChartContentBuilder {
    /// A mark or other content.
    public static func buildExpression(_ content: some ChartContent) -> ChartElements { content.chartElements }
    /// An array of contents, e.g. from `map`.
    public static func buildExpression(_ contents: [any ChartContent]) -> ChartElements { ChartElements(contents) }
    /// The statements of a block, in order.
    public static func buildBlock(_ parts: ChartElements...) -> ChartElements { ChartElements(parts.flatMap(\.items)) }
    /// An `if` without `else`.
    public static func buildOptional(_ part: ChartElements?) -> ChartElements { part ?? ChartElements() }
    /// The `if` branch.
    public static func buildEither(first: ChartElements) -> ChartElements { first }
    /// The `else` branch.
    public static func buildEither(second: ChartElements) -> ChartElements { second }
    /// The iterations of a `for` loop.
    public static func buildArray(_ parts: [ChartElements]) -> ChartElements { ChartElements(parts.flatMap(\.items)) }
    /// An `if #available` block.
    public static func buildLimitedAvailability(_ part: ChartElements) -> ChartElements { part }
}

/// Marks made from each element of a collection, as Swift Charts' `ForEach`:
/// `ForEach(points) { p in PointMark(x: .value("x", p.x), y: .value("y", p.y)) }`.
public struct ForEach: ChartContent {
    public let chartElements: ChartElements

    /// Builds marks for each element.
    /// - Parameters:
    ///   - data: The elements, in drawing order (lines connect in this order).
    ///   - content: The marks for one element.
    public init<Data: Sequence>(_ data: Data, @ChartContentBuilder content: (Data.Element) throws -> ChartElements)
        rethrows
    {
        var items: [MarkItem] = []
        for element in data { items += try content(element).items }
        chartElements = ChartElements(items)
    }
}

// MARK: - Modifiers

extension ChartContent {
    private func restyled(_ change: (inout MarkStyle) -> Void) -> ChartElements {
        var items = chartElements.items
        for index in items.indices { change(&items[index].style) }
        return ChartElements(items)
    }

    /// Colours the marks by a value: a category (or whole number) picks a colour of the categorical
    /// palette and a legend entry; a `Double` maps onto the viridis colour scale with a colour bar.
    /// Lines and areas connect marks of the same series.
    /// - Parameter value: The series value, e.g. `.value("component", k)`.
    /// - Returns: The styled marks.
    public func foregroundStyle<Value: Plottable>(by value: PlottableValue<Value>) -> ChartElements {
        restyled { $0.series = value.channel }
    }

    /// Gives the marks a fixed colour (no legend entry).
    /// - Parameter color: The colour, e.g. `.gray`.
    /// - Returns: The styled marks.
    public func foregroundStyle(_ color: Color) -> ChartElements {
        restyled { $0.color = color }
    }

    /// Picks the point symbol by a value (circle, square, triangle, …), with a legend entry.
    /// - Parameter value: The value that selects the symbol.
    /// - Returns: The styled marks.
    public func symbol<Value: Plottable>(by value: PlottableValue<Value>) -> ChartElements {
        restyled { $0.symbolSeries = value.channel }
    }

    /// Uses one symbol shape for these point marks.
    /// - Parameter shape: The shape.
    /// - Returns: The styled marks.
    public func symbol(_ shape: SymbolShape) -> ChartElements {
        restyled { $0.symbol = shape }
    }

    /// Sets the area of point symbols in square pixels (the default is 30, a 6-pixel circle).
    /// - Parameter area: The symbol area.
    /// - Returns: The styled marks.
    public func symbolSize(_ area: Double) -> ChartElements {
        restyled { $0.symbolSize = area }
    }

    /// Sets the opacity of the marks.
    /// - Parameter value: 0 (invisible) … 1 (opaque).
    /// - Returns: The styled marks.
    public func opacity(_ value: Double) -> ChartElements {
        restyled { $0.opacity = Swift.max(0, Swift.min(1, value)) }
    }

    /// Sets the stroke of lines, rules, ellipses and contours.
    /// - Parameter style: Width and dash pattern.
    /// - Returns: The styled marks.
    public func lineStyle(_ style: StrokeStyle) -> ChartElements {
        restyled {
            $0.lineWidth = style.lineWidth
            $0.dash = style.dash.isEmpty ? nil : style.dash
        }
    }
}

/// Width and dash pattern of a stroke, as in `.lineStyle(StrokeStyle(lineWidth: 2, dash: [4, 2]))`.
public struct StrokeStyle: Sendable, Hashable {
    /// Width in pixels.
    public var lineWidth: Double
    /// Alternating dash and gap lengths in pixels; empty for a solid line.
    public var dash: [Double]

    /// A stroke style.
    /// - Parameters:
    ///   - lineWidth: Width in pixels.
    ///   - dash: Dash and gap lengths in pixels; empty for a solid line.
    public init(lineWidth: Double = 2, dash: [Double] = []) {
        self.lineWidth = lineWidth
        self.dash = dash
    }
}
