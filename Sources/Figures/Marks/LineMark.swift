/// One vertex of a line; consecutive line marks of the same series are joined in the order given.
public struct LineMark: ChartContent {
    public let chartElements: ChartElements

    /// A line vertex.
    /// - Parameters:
    ///   - x: Horizontal position, e.g. `.value("iteration", i)`.
    ///   - y: Vertical position, e.g. `.value("ELBO", elbo)`.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .line, x: x.channel, y: y.channel)])
    }
}
