/// A point symbol at (x, y): a scatter plot is a `ForEach` of point marks.
public struct PointMark: ChartContent {
    public let chartElements: ChartElements

    /// A point.
    /// - Parameters:
    ///   - x: Horizontal position.
    ///   - y: Vertical position.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .point, x: x.channel, y: y.channel)])
    }
}
