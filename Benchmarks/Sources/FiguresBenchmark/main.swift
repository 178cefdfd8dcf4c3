// Render time and SVG size of scatter and line charts with 1k, 20k and 100k points.
// Run: swift run -c release --package-path Benchmarks FiguresBenchmark
import Figures
import Foundation

/// SplitMix64, so every run draws the same points.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func scatter(_ points: [(Double, Double)]) -> Chart {
    Chart(points) { p in PointMark(x: .value("x", p.0), y: .value("y", p.1)) }.chartTitle("scatter")
}

func line(_ points: [(Double, Double)]) -> Chart {
    Chart(points.enumerated()) { i, p in LineMark(x: .value("step", i), y: .value("y", p.1)) }.chartTitle("line")
}

/// The median of `repeats` timings of `body`, in milliseconds.
func median(repeats: Int, _ body: () -> Void) -> Double {
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
    }
    return times.sorted()[times.count / 2]
}

print("FiguresBenchmark: median of 5 renders (build the chart + render SVG), SVG size in bytes")
print("chart     points   build ms  render ms      bytes  bytes/point")
for count in [1_000, 20_000, 100_000] {
    var rng = SplitMix(state: 42)
    let points = (0..<count).map { _ in
        (Double(rng.next() >> 11) / Double(1 << 53), Double(rng.next() >> 11) / Double(1 << 53))
    }
    for (name, make) in [("scatter", scatter), ("line", line)] as [(String, ([(Double, Double)]) -> Chart)] {
        var chart = make(points)
        let build = median(repeats: 5) { chart = make(points) }
        var svg = ""
        let render = median(repeats: 5) { svg = chart.svg }
        let bytes = svg.utf8.count
        print(
            name.padding(toLength: 8, withPad: " ", startingAt: 0),
            String(count).leftPad(7),
            String(format: "%10.1f %10.1f %10d %12.1f", build, render, bytes, Double(bytes) / Double(count)))
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
