/// A filled rectangle: a heat-map cell or a histogram bin. Colour it by a `Double` with
/// `.foregroundStyle(by: .value("density", d))` to get the viridis scale and a colour bar.
public struct RectangleMark: ChartContent {
    public let chartElements: ChartElements

    /// A rectangle covering `xStart…xEnd` × `yStart…yEnd`.
    /// - Parameters:
    ///   - xStart: Left edge.
    ///   - xEnd: Right edge.
    ///   - yStart: Lower edge.
    ///   - yEnd: Upper edge.
    public init<X: Plottable, Y: Plottable>(
        xStart: PlottableValue<X>, xEnd: PlottableValue<X>, yStart: PlottableValue<Y>, yEnd: PlottableValue<Y>
    ) {
        chartElements = ChartElements([
            MarkItem(kind: .rectangle, xStart: xStart.channel, xEnd: xEnd.channel, yStart: yStart.channel, yEnd: yEnd.channel)
        ])
    }

    /// A rectangle at (x, y): a whole band cell when the axes hold categories, otherwise a
    /// 10-pixel square.
    /// - Parameters:
    ///   - x: Horizontal position.
    ///   - y: Vertical position.
    public init<X: Plottable, Y: Plottable>(x: PlottableValue<X>, y: PlottableValue<Y>) {
        chartElements = ChartElements([MarkItem(kind: .rectangle, x: x.channel, y: y.channel)])
    }
}
