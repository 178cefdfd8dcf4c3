/// Values of a function of two variables on a rectangular grid: the input of `HeatMap` and
/// `ContourLines` (e.g. a mixture density evaluated on a 60×60 grid).
public struct DensityGrid: Sendable, Hashable {
    /// Grid x coordinates, strictly increasing.
    public let xs: [Double]
    /// Grid y coordinates, strictly increasing.
    public let ys: [Double]
    /// `values[row][column]` is the value at `(xs[column], ys[row])`.
    public let values: [[Double]]

    /// A grid from its coordinates and values.
    /// - Parameters:
    ///   - xs: At least two strictly increasing, finite x coordinates.
    ///   - ys: At least two strictly increasing, finite y coordinates.
    ///   - values: `ys.count` rows of `xs.count` finite values.
    /// - Throws: `FigureError` naming the first problem (shape, order, or the row and column of a
    ///   non-finite value).
    public init(xs: [Double], ys: [Double], values: [[Double]]) throws {
        for (name, axis) in [("xs", xs), ("ys", ys)] {
            guard axis.count >= 2 else { throw FigureError(.invalidInput, "grid: \(name) has \(axis.count) entries, expected at least 2") }
            guard axis.allSatisfy(\.isFinite), zip(axis, axis.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw FigureError(.invalidInput, "grid: \(name) must be finite and strictly increasing")
            }
        }
        guard values.count == ys.count else {
            throw FigureError(.invalidInput, "grid: \(values.count) rows of values for \(ys.count) y coordinates")
        }
        for (row, line) in values.enumerated() {
            guard line.count == xs.count else {
                throw FigureError(.invalidInput, "grid: row \(row) has \(line.count) values for \(xs.count) x coordinates")
            }
            if let column = line.firstIndex(where: { !$0.isFinite }) {
                throw FigureError(.invalidInput, "grid: value at row \(row), column \(column) is \(line[column])")
            }
        }
        self.xs = xs
        self.ys = ys
        self.values = values
    }

    /// Evaluates a function on an evenly spaced grid.
    /// - Parameters:
    ///   - x: The x range.
    ///   - y: The y range.
    ///   - columns: Number of x coordinates (at least 2).
    ///   - rows: Number of y coordinates (at least 2).
    ///   - function: f(x, y); must return finite values.
    /// - Throws: `FigureError` if the ranges are empty or not finite, or f returns a non-finite value;
    ///   rethrows what f throws.
    public init(
        x: ClosedRange<Double>, y: ClosedRange<Double>, columns: Int = 60, rows: Int = 60,
        _ function: (Double, Double) throws -> Double
    ) throws {
        func spaced(_ range: ClosedRange<Double>, _ count: Int) -> [Double] {
            let n = Swift.max(2, count)
            return (0..<n).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(n - 1) }
        }
        let xs = spaced(x, columns), ys = spaced(y, rows)
        let values = try ys.map { yValue in try xs.map { xValue in try function(xValue, yValue) } }
        try self.init(xs: xs, ys: ys, values: values)
    }

    /// The smallest and largest value.
    public var valueRange: ClosedRange<Double> {
        let all = values.joined()
        return all.min()!...all.max()!
    }

    /// `count` contour levels evenly spaced strictly inside the value range.
    /// - Parameter count: Number of levels.
    /// - Returns: The levels, increasing.
    public func levels(count: Int) -> [Double] {
        let range = valueRange
        let n = Swift.max(1, count)
        return (1...n).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(n + 1) }
    }

    /// The line segments where the interpolated surface crosses `level` (marching squares, with the
    /// saddle cases resolved by the cell's mean value).
    /// - Parameter level: The contour level.
    /// - Returns: Segments as (x₁, y₁, x₂, y₂) in data coordinates.
    /// - Complexity: O(rows × columns).
    public func contourSegments(level: Double) -> [(x1: Double, y1: Double, x2: Double, y2: Double)] {
        var segments: [(x1: Double, y1: Double, x2: Double, y2: Double)] = []
        for row in 0..<(ys.count - 1) {
            for column in 0..<(xs.count - 1) {
                // Corners counter-clockwise from bottom-left: 0 (x0,y0), 1 (x1,y0), 2 (x1,y1), 3 (x0,y1).
                let x0 = xs[column], x1 = xs[column + 1], y0 = ys[row], y1 = ys[row + 1]
                let v = [values[row][column], values[row][column + 1], values[row + 1][column + 1], values[row + 1][column]]
                let corner = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
                var index = 0
                for k in 0..<4 where v[k] >= level { index |= 1 << k }
                if index == 0 || index == 15 { continue }
                // The crossing on edge k (from corner k to corner k+1).
                // Interpolated from the edge's left or lower end, so that the neighbouring cell, which
                // shares the edge, computes exactly the same point.
                func crossing(_ edge: Int) -> (Double, Double) {
                    let (a, b) = edge < 2 ? (edge, edge + 1) : ((edge + 1) % 4, edge)
                    let t = v[a] == v[b] ? 0.5 : (level - v[a]) / (v[b] - v[a])
                    return (corner[a].0 + t * (corner[b].0 - corner[a].0), corner[a].1 + t * (corner[b].1 - corner[a].1))
                }
                // Edges whose ends are on different sides, in order 0…3.
                let crossed = (0..<4).filter { ((index >> $0) & 1) != ((index >> (($0 + 1) % 4)) & 1) }
                var pairs: [(Int, Int)]
                if crossed.count == 2 {
                    pairs = [(crossed[0], crossed[1])]
                } else {
                    // Saddle: corners 0 and 2 on one side, 1 and 3 on the other.
                    let centreAbove = (v[0] + v[1] + v[2] + v[3]) / 4 >= level
                    let zeroAbove = (index & 1) != 0
                    // If the centre agrees with corner 0, corner 0's region joins corner 2's: cut off corners 1 and 3.
                    pairs = centreAbove == zeroAbove ? [(0, 1), (2, 3)] : [(3, 0), (1, 2)]
                }
                for (e1, e2) in pairs {
                    let p = crossing(e1), q = crossing(e2)
                    segments.append((p.0, p.1, q.0, q.1))
                }
            }
        }
        return segments
    }
}

/// A heat map of a grid: one rectangle per grid point, coloured on the viridis scale, with a colour bar.
public struct HeatMap: ChartContent {
    public let chartElements: ChartElements

    /// A heat map.
    /// - Parameters:
    ///   - grid: The values.
    ///   - x: The x axis title.
    ///   - y: The y axis title.
    ///   - value: The colour bar title.
    public init(_ grid: DensityGrid, x: String = "x", y: String = "y", value: String = "density") {
        func edges(_ axis: [Double]) -> [Double] {
            var result = [axis[0] - (axis[1] - axis[0]) / 2]
            for index in 0..<(axis.count - 1) { result.append((axis[index] + axis[index + 1]) / 2) }
            result.append(axis[axis.count - 1] + (axis[axis.count - 1] - axis[axis.count - 2]) / 2)
            return result
        }
        let xEdges = edges(grid.xs), yEdges = edges(grid.ys)
        var items: [MarkItem] = []
        items.reserveCapacity(grid.xs.count * grid.ys.count)
        for row in grid.ys.indices {
            for column in grid.xs.indices {
                var item = MarkItem(
                    kind: .rectangle, xStart: Channel(label: x, value: .number(xEdges[column])),
                    xEnd: Channel(label: x, value: .number(xEdges[column + 1])),
                    yStart: Channel(label: y, value: .number(yEdges[row])),
                    yEnd: Channel(label: y, value: .number(yEdges[row + 1])))
                item.style.series = Channel(label: value, value: .number(grid.values[row][column]))
                items.append(item)
            }
        }
        chartElements = ChartElements(items)
    }
}

/// Contour lines of a grid (marching squares), one path per level, drawn in dark grey by default;
/// use `.foregroundStyle(.white)` over a heat map.
public struct ContourLines: ChartContent {
    public let chartElements: ChartElements

    /// Contour lines.
    /// - Parameters:
    ///   - grid: The values.
    ///   - levels: The levels; `nil` for `count` levels evenly spaced inside the value range.
    ///   - count: The number of levels when `levels` is `nil`.
    ///   - x: The x axis title.
    ///   - y: The y axis title.
    public init(_ grid: DensityGrid, levels: [Double]? = nil, count: Int = 6, x: String = "x", y: String = "y") {
        var items: [MarkItem] = []
        for level in levels ?? grid.levels(count: count) {
            let segments = grid.contourSegments(level: level)
            guard !segments.isEmpty else { continue }
            var item = MarkItem(
                kind: .contour, x: Channel(label: x, value: .number(grid.xs[0])),
                y: Channel(label: y, value: .number(grid.ys[0])))
            item.paths = segments.map { [DataPoint(x: $0.x1, y: $0.y1), DataPoint(x: $0.x2, y: $0.y2)] }
            items.append(item)
        }
        chartElements = ChartElements(items)
    }
}
