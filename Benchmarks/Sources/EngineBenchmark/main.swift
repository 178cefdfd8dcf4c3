// End-to-end latency of cells through the engine: compile (or cache hit), load in the worker, run,
// and report. Prints p50/p95 for a trivial cell cold (every cell new to the cache), from the cache
// (the same cells again in a fresh session), and for a cell that uses the library; then a long session
// (`--session N`, default 200 cells, each new to the cache) with the medians of its first and last 25
// cells and where a cell's time goes (parse, generate, front end, autolink, link, run in the worker).
//
//   make build                        # in the project root, builds the worker and support library
//   swift run -c release --package-path Benchmarks EngineBenchmark [cells] [--session N]
// SWIFT_INFERENCE_BUILD names another build folder holding the worker (default: .build/release).
import CellEngine
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let count = arguments.first.flatMap { Int($0) } ?? 40
let sessionLength = arguments.firstIndex(of: "--session").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 200
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../").standardized
let buildFolder = ProcessInfo.processInfo.environment["SWIFT_INFERENCE_BUILD"] ?? root.path + "/.build/release"
var configuration = try EngineConfiguration.locate(executable: buildFolder + "/swift-inference-worker")
let cache = FileManager.default.temporaryDirectory.appendingPathComponent("engine-benchmark-\(getpid())")
configuration.cacheDirectory = cache.path
defer { try? FileManager.default.removeItem(at: cache) }

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count - 1)).rounded())))
    return sorted[index]
}

func measure(_ session: CellSession, _ cells: [String]) -> [Double] {
    cells.map { code in
        let start = DispatchTime.now().uptimeNanoseconds
        let result = session.execute(code, onEvent: { _ in })
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        if case .failure(let failure) = result { fatalError("benchmark cell failed: \(failure.traceback)") }
        return elapsed
    }
}

func report(_ label: String, _ values: [Double]) {
    let p50 = percentile(values, 0.5)
    let p95 = percentile(values, 0.95)
    print("\(label.padding(toLength: 34, withPad: " ", startingAt: 0)) p50 \(String(format: "%7.1f", p50)) ms   p95 \(String(format: "%7.1f", p95)) ms   (n = \(values.count))")
}

let trivial = (0..<count).map { "let x\($0) = \($0)" }
let library = (0..<count).map { "var g\($0) = SeededGenerator(seed: \($0)); g\($0).nextStandardNormal()" }

print("swift-inference engine benchmark: \(count) cells each, \(ProcessInfo.processInfo.activeProcessorCount) cores")
let startSession = DispatchTime.now().uptimeNanoseconds
let cold = try CellSession(configuration: configuration)
print("session start (worker ready)      \(String(format: "%7.1f", Double(DispatchTime.now().uptimeNanoseconds - startSession) / 1e6)) ms")
report("trivial cell, cold (compiles)", measure(cold, trivial))
report("library cell, cold (compiles)", measure(cold, library))
cold.shutdown()

let warm = try CellSession(configuration: configuration)
report("trivial cell, from the cache", measure(warm, trivial))
report("library cell, from the cache", measure(warm, library))
warm.shutdown()

// A long session: does a trivial cell get slower as the session grows?
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}
let long = try CellSession(configuration: configuration)
let salt = String(UInt32.random(in: 0 ... .max), radix: 16)
var totals: [Double] = []
var phases: [(String, [Double])] = [("parse", []), ("generate + cache", []), ("front end", []), ("autolink", []), ("link", []), ("run in worker", [])]
for index in 0..<sessionLength {
    // Every cell declares something, as notebook cells do, and is new to the cache.
    let result = long.execute("let long_\(salt)_\(index) = \(index)", onEvent: { _ in })
    if case .failure(let failure) = result { fatalError("benchmark cell failed: \(failure.traceback)") }
    let t = long.lastTimings
    totals.append(milliseconds(t.total))
    for (i, value) in [t.analyse, t.generate, t.frontend, t.autolink, t.link, t.run].enumerated() {
        phases[i].1.append(milliseconds(value))
    }
}
long.shutdown()
let window = min(25, sessionLength)
print("long session, \(sessionLength) trivial cells (each declares a name, each compiles):")
report("  cells 1–\(window)", Array(totals.prefix(window)))
report("  cells \(sessionLength - window + 1)–\(sessionLength)", Array(totals.suffix(window)))
print("  where a cell's time goes (median ms, first \(window) → last \(window)):")
for (name, values) in phases {
    let first = percentile(Array(values.prefix(window)), 0.5)
    let last = percentile(Array(values.suffix(window)), 0.5)
    print("    \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%7.1f", first)) → \(String(format: "%7.1f", last))")
}
