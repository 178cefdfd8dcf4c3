/// A straight line across the plot or between two values: a reference level such as the true log p(x).
public struct RuleMark: ChartContent {
    public let chartElements: ChartElements

    /// A horizontal line across the whole plot at `y`.
    /// - Parameter y: The level.
    public init<Y: Plottable>(y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .rule, y: y.channel)])
    }

    /// A vertical line across the whole plot at `x`.
    /// - Parameter x: The position.
    public init<X: Plottable>(x: PlottableValue<X>) {
        chartElements = ChartElements([MarkItem(kind: .rule, x: x.channel)])
    }

    /// A vertical segment at `x` from `yStart` to `yEnd`.
    /// - Parameters:
    ///   - x: The position.
    ///   - yStart: Lower end.
    ///   - yEnd: Upper end.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, yStart: PlottableValue<Y>, yEnd: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .rule, x: x.channel, yStart: yStart.channel, yEnd: yEnd.channel)])
    }

    /// A horizontal segment at `y` from `xStart` to `xEnd`.
    /// - Parameters:
    ///   - xStart: Left end.
    ///   - xEnd: Right end.
    ///   - y: The level.
    public init<X: Plottable, Y: Plottable>(xStart: PlottableValue<X>, xEnd: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .rule, y: y.channel, xStart: xStart.channel, xEnd: xEnd.channel)])
    }
}
