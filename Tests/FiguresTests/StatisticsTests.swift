import Figures
import Foundation
import Testing

@Suite struct StatisticsTests {
    static func faithful() throws -> (eruptions: [Double], waiting: [Double]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/faithful.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        let rows = lines.map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
        return (rows.map { $0[0] }, rows.map { $0[1] })
    }

    // Reference: scripts/reference/figures_histogram.py (NumPy 2.4.6 histogram_bin_edges / histogram).
    @Test func binningRulesMatchNumPy() throws {
        let (eruptions, waiting) = try Self.faithful()
        let cases: [([Double], BinningRule, Int, [Int])] = [
            (eruptions, .sturges, 10, [45, 36, 13, 3, 4, 12, 29, 52, 54, 24]),
            (eruptions, .freedmanDiaconis, 5, [81, 16, 16, 81, 78]),
            (eruptions, .scott, 6, [71, 23, 7, 29, 85, 57]),
            (waiting, .sturges, 10, [16, 28, 26, 24, 9, 23, 62, 55, 23, 6]),
            (waiting, .freedmanDiaconis, 8, [21, 42, 24, 16, 40, 70, 47, 12]),
        ]
        for (values, rule, bins, counts) in cases {
            let histogram = try Histogram(values, rule: rule)
            #expect(histogram.counts.count == bins, "\(rule)")
            #expect(histogram.counts == counts, "\(rule)")
            #expect(histogram.edges.first == values.min() && histogram.edges.last == values.max())
        }
    }

    @Test func normalizations() throws {
        let values = [0.0, 0.5, 1, 1.5, 2, 2, 3, 4]
        let density = try Histogram(values, rule: .count(4), normalization: .density)
        let area = zip(density.heights, zip(density.edges, density.edges.dropFirst())).reduce(0) { $0 + $1.0 * ($1.1.1 - $1.1.0) }
        #expect(abs(area - 1) < 1e-12)
        let probability = try Histogram(values, rule: .count(4), normalization: .probability)
        #expect(abs(probability.heights.reduce(0, +) - 1) < 1e-12)
        let byWidth = try Histogram(values, rule: .width(1))
        #expect(byWidth.edges == [0, 1, 2, 3, 4, 5])
        #expect(byWidth.counts == [2, 2, 2, 1, 1])
    }

    @Test func histogramRejectsBadInput() {
        #expect(throws: FigureError.self) { try Histogram([]) }
        #expect(throws: FigureError(.invalidInput, "histogram of value: value 1 is nan")) { try Histogram([1, .nan]) }
        #expect(throws: FigureError.self) { try Histogram([1, 2], rule: .count(0)) }
        #expect(throws: FigureError.self) { try Histogram([1, 2], rule: .edges([0, 0])) }
    }

    @Test func ellipsePointsLieAtTheMahalanobisRadius() throws {
        let mean = [2.0, 54.0], covariance = [[0.07, 0.4], [0.4, 34.0]]
        let ellipse = try CovarianceEllipse(mean: mean, covariance: covariance, standardDeviations: 2)
        let det = covariance[0][0] * covariance[1][1] - covariance[0][1] * covariance[1][0]
        for p in ellipse.points(count: 40) {
            let dx = p.x - mean[0], dy = p.y - mean[1]
            let d2 = (covariance[1][1] * dx * dx - 2 * covariance[0][1] * dx * dy + covariance[0][0] * dy * dy) / det
            #expect(abs(d2 - 4) < 1e-9)
        }
        // Axis-aligned: semi-axes are k·σ.
        let aligned = try CovarianceEllipse(mean: [0, 0], covariance: [[4, 0], [0, 1]], standardDeviations: 1)
        #expect(aligned.semiMajor == 2 && aligned.semiMinor == 1 && aligned.angle == 0)
        // 95 % of the mass: k = √(−2 ln 0.05) ≈ 2.4477.
        let p95 = try CovarianceEllipse(mean: [0, 0], covariance: [[1, 0], [0, 1]], probability: 0.95)
        #expect(abs(p95.semiMajor - 2.447746830680816) < 1e-12)
    }

    @Test func ellipseRejectsBadCovariance() {
        #expect(throws: FigureError.self) { try CovarianceEllipse(mean: [0], covariance: [[1, 0], [0, 1]]) }
        #expect(throws: FigureError.self) { try CovarianceEllipse(mean: [0, 0], covariance: [[1, 2], [2, 1]]) }
        #expect(throws: FigureError.self) { try CovarianceEllipse(mean: [0, 0], covariance: [[1, 0.5], [0, 1]]) }
        #expect(throws: FigureError.self) { try CovarianceEllipse(mean: [0, .nan], covariance: [[1, 0], [0, 1]]) }
        #expect(throws: FigureError.self) { try EllipseMark(mean: [0, 0], covariance: [[1, 0, 0], [0, 1, 0]]) }
    }

    @Test func contoursOfAParaboloidAreCircles() throws {
        let grid = try DensityGrid(x: -2...2, y: -2...2, columns: 81, rows: 81) { x, y in x * x + y * y }
        let segments = grid.contourSegments(level: 1)
        #expect(segments.count > 40)
        for s in segments {
            for (x, y) in [(s.x1, s.y1), (s.x2, s.y2)] {
                #expect(abs((x * x + y * y).squareRoot() - 1) < 0.01)
            }
        }
        // The segments close up: every end point is shared by exactly two segments.
        var ends: [String: Int] = [:]
        for s in segments {
            for key in ["\(s.x1),\(s.y1)", "\(s.x2),\(s.y2)"] { ends[key, default: 0] += 1 }
        }
        #expect(ends.values.allSatisfy { $0 == 2 })
    }

    @Test func gridRejectsBadShapes() {
        #expect(throws: FigureError.self) { try DensityGrid(xs: [0, 1], ys: [0, 1], values: [[0, 1]]) }
        #expect(throws: FigureError.self) { try DensityGrid(xs: [1, 0], ys: [0, 1], values: [[0, 1], [0, 1]]) }
        #expect(throws: FigureError(.invalidInput, "grid: value at row 1, column 0 is inf")) {
            try DensityGrid(xs: [0, 1], ys: [0, 1], values: [[0, 1], [.infinity, 1]])
        }
    }
}
