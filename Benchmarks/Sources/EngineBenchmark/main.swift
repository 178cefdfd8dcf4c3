// End-to-end latency of cells through the engine: compile (or cache hit), load in the worker, run,
// and report. Prints p50/p95 for a trivial cell cold (every cell new to the cache), from the cache
// (the same cells again in a fresh session), and for a cell that uses the library.
//
//   swift build -c release            # in the project root, builds the worker and support library
//   swift run -c release --package-path Benchmarks EngineBenchmark [cells]
// SWIFT_INFERENCE_BUILD names another build folder holding the worker (default: .build/release).
import CellEngine
import Foundation

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 40 : 40
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
