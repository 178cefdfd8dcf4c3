/// A bar: from zero to a value, or between a start and an end.
///
/// With a category (or integer) on x the bar fills a band; bars of different series in the same band
/// stand side by side. With a category on y and a number on x the bar is horizontal.
public struct BarMark: ChartContent {
    public let chartElements: ChartElements

    /// A bar from zero to `y` at `x`.
    /// - Parameters:
    ///   - x: The position (a category, or a number).
    ///   - y: The height.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .bar, x: x.channel, y: y.channel)])
    }

    /// A bar covering `xStart…xEnd` from zero to `y` (a histogram bin).
    /// - Parameters:
    ///   - xStart: Left edge.
    ///   - xEnd: Right edge.
    ///   - y: The height.
    public init<X: Plottable, Y: Plottable>(xStart: PlottableValue<X>, xEnd: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .bar, y: y.channel, xStart: xStart.channel, xEnd: xEnd.channel)])
    }

    /// A floating bar at `x` covering `yStart…yEnd`.
    /// - Parameters:
    ///   - x: The position.
    ///   - yStart: Lower end.
    ///   - yEnd: Upper end.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, yStart: PlottableValue<Y>, yEnd: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .bar, x: x.channel, yStart: yStart.channel, yEnd: yEnd.channel)])
    }
}
