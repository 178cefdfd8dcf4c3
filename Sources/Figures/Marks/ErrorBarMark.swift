/// An error bar: a line between two values with short caps at both ends. Pair it with a `PointMark`
/// at the estimate.
public struct ErrorBarMark: ChartContent {
    public let chartElements: ChartElements

    /// A vertical error bar at `x` from `yStart` to `yEnd`.
    /// - Parameters:
    ///   - x: The position.
    ///   - yStart: Lower end.
    ///   - yEnd: Upper end.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, yStart: PlottableValue<Y>, yEnd: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .errorBar, x: x.channel, yStart: yStart.channel, yEnd: yEnd.channel)])
    }

    /// A vertical error bar at `x` covering `y ± error` (e.g. an estimate ± 2 standard errors).
    /// - Parameters:
    ///   - x: The position.
    ///   - y: The centre (labels the y axis).
    ///   - error: The half-length; its magnitude is used.
    public init<X: Plottable>(x: PlottableValue<X>, y: PlottableValue<Double>, error: Double) {
        let half = Swift.abs(error)
        chartElements = ChartElements([
            MarkItem(
                kind: .errorBar, x: x.channel, yStart: Channel(label: y.label, value: .number(y.value - half)),
                yEnd: Channel(label: y.label, value: .number(y.value + half)))
        ])
    }

    /// A horizontal error bar at `y` from `xStart` to `xEnd`.
    /// - Parameters:
    ///   - xStart: Left end.
    ///   - xEnd: Right end.
    ///   - y: The position.
    public init<X: Plottable, Y: Plottable>(xStart: PlottableValue<X>, xEnd: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .errorBar, y: y.channel, xStart: xStart.channel, xEnd: xEnd.channel)])
    }
}
