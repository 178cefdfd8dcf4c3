extension Chart: CustomStringConvertible {
    /// The plain-text summary, so that `print(chart)` says what the chart shows.
    public var description: String { summary }
}

extension ChartGrid: CustomStringConvertible {
    /// The plain-text summary of the grid and its panels.
    public var description: String { summary }
}
