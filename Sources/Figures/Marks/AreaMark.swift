/// One vertex of a filled area: from zero up to `y`, or a band between `yStart` and `yEnd`
/// (a credible interval, ± two standard errors). Consecutive area marks of a series are joined.
public struct AreaMark: ChartContent {
    public let chartElements: ChartElements

    /// An area vertex filled from zero to `y`.
    /// - Parameters:
    ///   - x: Horizontal position.
    ///   - y: Upper edge.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .area, x: x.channel, y: y.channel)])
    }

    /// A band vertex filled between `yStart` and `yEnd`.
    /// - Parameters:
    ///   - x: Horizontal position.
    ///   - yStart: Lower edge.
    ///   - yEnd: Upper edge.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, yStart: PlottableValue<Y>, yEnd: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .area, x: x.channel, yStart: yStart.channel, yEnd: yEnd.channel)])
    }
}
