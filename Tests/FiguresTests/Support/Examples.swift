import Figures
import Foundation

/// A small seeded generator (SplitMix64) so that example data is the same on every machine.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = Double(next() >> 11) / Double(1 << 53) + 1e-300
        let v = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// Two-dimensional points of three Gaussian clusters.
func clusterPoints(count: Int, seed: UInt64 = 7) -> [(x: Double, y: Double, component: String)] {
    var rng = SplitMix(state: seed)
    let means = [(2.0, 55.0), (4.3, 80.0), (3.2, 68.0)]
    return (0..<count).map { index in
        let k = index % 3
        return (means[k].0 + 0.35 * rng.normal(), means[k].1 + 5 * rng.normal(), "component \(k + 1)")
    }
}

/// The named example figures, one snapshot each.
enum Examples {
    static let all: [(name: String, svg: String)] = {
        [
            ("line", line.svg), ("points", points.svg), ("bars", bars.svg), ("horizontal-bars", horizontalBars.svg),
            ("area-band", areaBand.svg), ("rules", rules.svg), ("histogram", histogram.svg),
            ("heatmap-contours", heatMap.svg), ("ellipses", ellipses.svg), ("log-axes", logAxes.svg),
            ("error-bars", errorBars.svg), ("categorical-heatmap", categoricalHeatMap.svg),
            ("small-multiples", smallMultiples.svg), ("non-finite", nonFinite.svg),
        ]
    }()

    /// ELBO and log-likelihood traces, with a reference rule.
    static var line: Chart {
        Chart {
            for i in 0..<30 {
                let t = Double(i)
                LineMark(x: .value("iteration", i), y: .value("bound", -1300 + 170 * (1 - exp(-t / 4))))
                    .foregroundStyle(by: .value("quantity", "log-likelihood"))
                LineMark(x: .value("iteration", i), y: .value("bound", -1320 + 180 * (1 - exp(-t / 5))))
                    .foregroundStyle(by: .value("quantity", "ELBO"))
            }
            RuleMark(y: .value("bound", -1130.264))
                .lineStyle(StrokeStyle(lineWidth: 1, dash: [4, 3]))
        }
        .chartTitle("EM on Old Faithful: the bound climbs to log p(x)")
    }

    static var points: Chart {
        Chart(clusterPoints(count: 150)) { p in
            PointMark(x: .value("eruptions (min)", p.x), y: .value("waiting (min)", p.y))
                .foregroundStyle(by: .value("cluster", p.component))
                .symbol(by: .value("cluster", p.component))
        }
        .chartTitle("Three clusters")
    }

    static var bars: Chart {
        let weights: [(String, String, Double)] = [
            ("1", "EM", 0.356), ("2", "EM", 0.644), ("3", "EM", 0.0),
            ("1", "CAVI", 0.33), ("2", "CAVI", 0.61), ("3", "CAVI", 0.06),
        ]
        return Chart(weights) { w in
            BarMark(x: .value("component", w.0), y: .value("weight", w.2))
                .foregroundStyle(by: .value("method", w.1))
        }
        .chartTitle("Mixture weights")
        .frame(width: 480, height: 300)
    }

    static var horizontalBars: Chart {
        Chart {
            BarMark(x: .value("seconds", 0.17), y: .value("method", "scikit-learn EM"))
            BarMark(x: .value("seconds", 0.05), y: .value("method", "Swift EM"))
            BarMark(x: .value("seconds", 0.4), y: .value("method", "CAVI"))
        }
        .frame(width: 480, height: 220)
    }

    static var areaBand: Chart {
        Chart {
            for i in 0...40 {
                let x = Double(i) / 4
                AreaMark(x: .value("x", x), yStart: .value("density", sin(x) - 0.3), yEnd: .value("density", sin(x) + 0.3))
                LineMark(x: .value("x", x), y: .value("density", sin(x)))
            }
        }
        .chartTitle("A band with AreaMark(yStart:yEnd:)")
    }

    static var rules: Chart {
        Chart {
            for i in 0..<5 {
                RuleMark(x: .value("sample", i), yStart: .value("value", 0), yEnd: .value("value", Double(i * i)))
                    .foregroundStyle(by: .value("kind", "stem"))
            }
            RuleMark(y: .value("value", 8.0)).foregroundStyle(by: .value("kind", "threshold"))
            RuleMark(x: .value("sample", 2.5))
        }
        .frame(width: 400, height: 260)
    }

    static var histogram: Chart {
        var rng = SplitMix(state: 3)
        let values = (0..<400).map { $0 % 3 == 0 ? 2 + 0.25 * rng.normal() : 4.3 + 0.45 * rng.normal() }
        let histogram = try! Histogram(values, rule: .freedmanDiaconis, normalization: .density, label: "eruptions (min)")
        return Chart {
            histogram.opacity(0.7)
            for i in 0...100 {
                let x = 1 + 5 * Double(i) / 100
                let density =
                    (1.0 / 3) * exp(-pow((x - 2) / 0.25, 2) / 2) / (0.25 * 2.5066)
                    + (2.0 / 3) * exp(-pow((x - 4.3) / 0.45, 2) / 2) / (0.45 * 2.5066)
                LineMark(x: .value("eruptions (min)", x), y: .value("density", density))
                    .foregroundStyle(.vermillion)
            }
        }
        .chartTitle("Freedman–Diaconis histogram and the true density")
    }

    static func mixtureDensity(_ x: Double, _ y: Double) -> Double {
        func gaussian(_ x: Double, _ y: Double, _ mx: Double, _ my: Double, _ sx: Double, _ sy: Double, _ rho: Double) -> Double {
            let u = (x - mx) / sx, v = (y - my) / sy
            let q = (u * u - 2 * rho * u * v + v * v) / (1 - rho * rho)
            return exp(-q / 2) / (2 * Double.pi * sx * sy * (1 - rho * rho).squareRoot())
        }
        return 0.356 * gaussian(x, y, 2.036, 54.48, 0.266, 5.87, 0.47) + 0.644 * gaussian(x, y, 4.29, 79.97, 0.41, 5.87, 0.55)
    }

    static var heatMap: Chart {
        let grid = try! DensityGrid(x: 1.2...5.6, y: 40...100, columns: 45, rows: 45, mixtureDensity)
        return Chart {
            HeatMap(grid, x: "eruptions (min)", y: "waiting (min)", value: "density")
            ContourLines(grid, count: 5, x: "eruptions (min)", y: "waiting (min)").foregroundStyle(.white)
        }
        .chartTitle("Mixture density with contour lines")
    }

    static var ellipses: Chart {
        let points = clusterPoints(count: 90)
        let components: [(String, [Double], [[Double]])] = [
            ("component 1", [2.0, 55.0], [[0.1225, 0.4], [0.4, 25]]),
            ("component 2", [4.3, 80.0], [[0.1225, -0.6], [-0.6, 25]]),
            ("component 3", [3.2, 68.0], [[0.1225, 0], [0, 25]]),
        ]
        return try! Chart {
            for p in points {
                PointMark(x: .value("eruptions (min)", p.x), y: .value("waiting (min)", p.y))
                    .foregroundStyle(by: .value("component", p.component))
                    .opacity(0.7)
            }
            for (name, mean, covariance) in components {
                try EllipseMark(mean: mean, covariance: covariance, standardDeviations: 2)
                    .foregroundStyle(by: .value("component", name))
                PointMark(x: .value("eruptions (min)", mean[0]), y: .value("waiting (min)", mean[1]))
                    .foregroundStyle(.black).symbol(.cross).symbolSize(60)
            }
        }
        .chartTitle("2σ covariance ellipses")
    }

    static var logAxes: Chart {
        Chart {
            for exponent in 1...6 {
                let n = pow(10, Double(exponent))
                LineMark(x: .value("samples", n), y: .value("standard error", 3 / n.squareRoot()))
                    .foregroundStyle(by: .value("estimator", "naive Monte Carlo"))
                PointMark(x: .value("samples", n), y: .value("standard error", 3 / n.squareRoot()))
                    .foregroundStyle(by: .value("estimator", "naive Monte Carlo"))
                LineMark(x: .value("samples", n), y: .value("standard error", 0.2 / n.squareRoot()))
                    .foregroundStyle(by: .value("estimator", "importance sampling"))
                PointMark(x: .value("samples", n), y: .value("standard error", 0.2 / n.squareRoot()))
                    .foregroundStyle(by: .value("estimator", "importance sampling"))
            }
        }
        .chartXScale(type: .log)
        .chartYScale(type: .log)
        .chartTitle("Error shrinks like 1/√n")
    }

    static var errorBars: Chart {
        let estimates: [(Int, Double, Double)] = [(1, -1289.8, 4), (2, -1130.3, 3), (3, -1119.2, 6), (4, -1114.7, 9)]
        return Chart {
            for (k, mean, se) in estimates {
                ErrorBarMark(x: .value("K", k), y: .value("log-likelihood", mean), error: 2 * se)
                PointMark(x: .value("K", k), y: .value("log-likelihood", mean))
            }
        }
        .chartTitle("Estimate ± 2 standard errors")
        .frame(width: 420, height: 300)
    }

    static var categoricalHeatMap: Chart {
        let labels = ["0", "1", "2", "3"]
        return Chart {
            for (i, truth) in labels.enumerated() {
                for (j, predicted) in labels.enumerated() {
                    RectangleMark(x: .value("predicted", predicted), y: .value("true digit", truth))
                        .foregroundStyle(by: .value("fraction", i == j ? 0.9 - 0.05 * Double(i) : 0.1 / 3 + 0.01 * Double(j)))
                }
            }
        }
        .frame(width: 360, height: 300)
    }

    static var smallMultiples: ChartGrid {
        ChartGrid(columns: 2) {
            for (step, spread) in [(0, 1.8), (1, 1.3), (5, 0.8), (20, 0.5)] {
                Chart {
                    for p in clusterPoints(count: 60, seed: 11) {
                        PointMark(x: .value("eruptions (min)", p.x), y: .value("waiting (min)", p.y))
                            .foregroundStyle(by: .value("component", p.component))
                            .opacity(0.6)
                    }
                    for (name, mean) in [("component 1", [2.0, 55.0]), ("component 2", [4.3, 80.0]), ("component 3", [3.2, 68.0])] {
                        try! EllipseMark(
                            mean: [3.2 + (mean[0] - 3.2) / spread, 68 + (mean[1] - 68) / spread],
                            covariance: [[0.15 * spread, 0], [0, 30 * spread]]
                        )
                        .foregroundStyle(by: .value("component", name))
                    }
                }
                .chartTitle("iteration \(step)")
            }
        }
        .chartTitle("EM, iteration by iteration")
    }

    static var nonFinite: Chart {
        Chart {
            for (i, y) in [1.0, 2.0, .nan, 3.0, .infinity, 2.5].enumerated() {
                LineMark(x: .value("i", i), y: .value("y", y))
                PointMark(x: .value("i", i), y: .value("y", y))
            }
        }
        .frame(width: 320, height: 200)
    }
}
