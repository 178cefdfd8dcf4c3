internal import SystemLibC

/// How a histogram chooses its bins.
public enum BinningRule: Sendable, Hashable {
    /// Sturges: ⌈log₂ n⌉ + 1 equal bins over the range; good for small, roughly normal samples.
    case sturges
    /// Freedman–Diaconis: width 2·IQR·n^(−1/3); robust to outliers.
    case freedmanDiaconis
    /// Scott: width (24√π / n)^(1/3)·σ, σ the population standard deviation.
    case scott
    /// A fixed number of equal bins over the range.
    case count(Int)
    /// Bins of a fixed width, aligned to multiples of the width.
    case width(Double)
    /// Explicit, strictly increasing edges.
    case edges([Double])
}

/// What a histogram bar's height means.
public enum HistogramNormalization: String, Sendable, Hashable {
    /// Number of values in the bin.
    case count
    /// Fraction of values in the bin.
    case probability
    /// Fraction per unit of x: the bars integrate to 1, comparable with a density curve.
    case density
}

/// A histogram of numbers: the bins (computed as NumPy's `histogram_bin_edges` does for the named
/// rules) and their counts. Inside a `Chart` it draws one bar per bin.
public struct Histogram: ChartContent {
    /// Bin edges, strictly increasing; `edges.count == counts.count + 1`.
    public let edges: [Double]
    /// Values per bin; every bin is half-open `[lo, hi)` except the last, which includes its right edge.
    public let counts: [Int]
    /// Bar heights under the chosen normalization.
    public let heights: [Double]
    /// The name of the quantity (the x axis title).
    public let label: String
    /// What the heights mean (the y axis title).
    public let normalization: HistogramNormalization

    /// Bins the values.
    /// - Parameters:
    ///   - values: The sample; must be non-empty and finite.
    ///   - rule: The binning rule (Freedman–Diaconis by default).
    ///   - normalization: Count, probability or density.
    ///   - label: The name of the quantity.
    /// - Throws: `FigureError` for an empty sample, a non-finite value (naming its index), or an
    ///   invalid rule (non-positive count or width, edges not increasing).
    public init(
        _ values: [Double], rule: BinningRule = .freedmanDiaconis, normalization: HistogramNormalization = .count,
        label: String = "value"
    ) throws {
        guard !values.isEmpty else { throw FigureError(.invalidInput, "histogram of \(label): no values") }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw FigureError(.invalidInput, "histogram of \(label): value \(bad) is \(values[bad])")
        }
        let edges = try Histogram.binEdges(values, rule: rule)
        var counts = [Int](repeating: 0, count: edges.count - 1)
        for value in values {
            if let bin = Histogram.bin(of: value, edges: edges) { counts[bin] += 1 }
        }
        let total = Double(values.count)
        self.edges = edges
        self.counts = counts
        self.label = label
        self.normalization = normalization
        heights = counts.indices.map { index in
            let count = Double(counts[index])
            switch normalization {
            case .count: return count
            case .probability: return count / total
            case .density: return count / (total * (edges[index + 1] - edges[index]))
            }
        }
    }

    public var chartElements: ChartElements {
        let yLabel = normalization.rawValue
        var items: [MarkItem] = []
        for index in counts.indices {
            items.append(
                MarkItem(
                    kind: .bar, y: Channel(label: yLabel, value: .number(heights[index])),
                    xStart: Channel(label: label, value: .number(edges[index])),
                    xEnd: Channel(label: label, value: .number(edges[index + 1]))))
        }
        return ChartElements(items)
    }

    /// The bin edges a rule gives for a sample.
    /// - Parameters:
    ///   - values: The sample; non-empty and finite.
    ///   - rule: The rule.
    /// - Returns: Strictly increasing edges covering every value.
    /// - Throws: `FigureError` for an empty sample or an invalid rule.
    public static func binEdges(_ values: [Double], rule: BinningRule) throws -> [Double] {
        guard let low = values.min(), let high = values.max() else {
            throw FigureError(.invalidInput, "histogram: no values")
        }
        var first = low, last = high
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let n = Double(values.count)
        let span = last - first
        func equalBins(_ count: Int) -> [Double] {
            let step = span / Double(count)  // as numpy.linspace: start + i·step
            return (0...count).map { index in index == count ? last : first + Double(index) * step }
        }
        func binsOfWidth(_ width: Double) -> [Double] {
            guard width > 0, width.isFinite, high > low else { return equalBins(1) }
            return equalBins(Swift.max(1, Int((span / width).rounded(.up))))
        }
        switch rule {
        case .sturges:
            return binsOfWidth(span / (log2(n) + 1))
        case .freedmanDiaconis:
            let sorted = values.sorted()
            let iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25)
            return binsOfWidth(2 * iqr * pow(n, -1.0 / 3.0))
        case .scott:
            let mean = values.reduce(0, +) / n
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            return binsOfWidth(pow(24 * Double.pi.squareRoot() / n, 1.0 / 3.0) * variance.squareRoot())
        case .count(let count):
            guard count > 0 else { throw FigureError(.invalidInput, "histogram: bin count is \(count), expected > 0") }
            return equalBins(count)
        case .width(let width):
            guard width > 0, width.isFinite else {
                throw FigureError(.invalidInput, "histogram: bin width is \(width), expected > 0")
            }
            let start = (low / width).rounded(.down)
            var stop = (high / width).rounded(.down) + 1
            if stop - start > 100_000 {
                throw FigureError(.invalidInput, "histogram: bin width \(width) gives more than 100000 bins")
            }
            if stop <= start { stop = start + 1 }
            return stride(from: start, through: stop, by: 1).map { $0 * width }
        case .edges(let edges):
            guard edges.count >= 2, edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw FigureError(.invalidInput, "histogram: edges must be at least two finite, strictly increasing numbers")
            }
            return edges
        }
    }

    /// The index of the bin holding `value`, or `nil` if it lies outside the edges.
    static func bin(of value: Double, edges: [Double]) -> Int? {
        guard let first = edges.first, let last = edges.last, value >= first, value <= last else { return nil }
        if value == last { return edges.count - 2 }
        var low = 0, high = edges.count - 1  // edges[low] <= value < edges[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if edges[middle] <= value { low = middle } else { high = middle }
        }
        return low
    }

    /// The q-quantile of sorted values with linear interpolation (NumPy's default, type 7).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let index = Int(position.rounded(.down))
        let fraction = position - Double(index)
        return index + 1 < sorted.count ? sorted[index] + fraction * (sorted[index + 1] - sorted[index]) : sorted[index]
    }
}
