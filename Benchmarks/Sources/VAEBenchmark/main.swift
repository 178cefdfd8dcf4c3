// VAEBenchmark: one training epoch of the digits VAE in Swift against the NumPy implementation of
// the same network, arithmetic (float64) and batch size, measured in the same run.
//
// Usage: swift run -c release --package-path Benchmarks VAEBenchmark [--epochs E] [--rounds R]
//        [--quick] [--config lecture32|notebook50|lecture100|wide] [--swift-only]
// For each configuration it runs R rounds (default 3); a round times E epochs of Swift, then of
// NumPy twice — with OpenBLAS's default thread count and with one thread — and keeps each side's
// median epoch (wall and process CPU). Rounds alternate the two sides so that a slow spell of a
// shared machine hits both; the figures printed are the medians over the rounds, and the ratio
// is against the faster NumPy run. Then (without --quick) it trains the lecture configuration
// until the ELBO settles and prints the wall time. Both sides drop their first (warm-up) epoch.
//
// Swift's CPU time includes its worker thread's spinning between minibatch steps (it waits for
// the next step by spinning, not sleeping), so the CPU figure is about twice the wall figure by
// design; wall time is the speed a user sees.
import Foundation
@_spi(Benchmarking) import Inference

struct Configuration {
    var name: String
    var hidden: Int
    var latent: Int
    var batch: Int
    var key: String
}

let arguments = CommandLine.arguments
let epochs = arguments.firstIndex(of: "--epochs").map { Int(arguments[$0 + 1])! } ?? 7
let rounds = arguments.firstIndex(of: "--rounds").map { Int(arguments[$0 + 1])! } ?? 3
let only = arguments.firstIndex(of: "--config").map { arguments[$0 + 1] }
let swiftOnly = arguments.contains("--swift-only")
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let csv = packageRoot.appendingPathComponent("data/digits.csv").path
let script = packageRoot.appendingPathComponent("Benchmarks/python/vae_numpy.py").path

let digits = try DataMatrix.readCSV(path: csv).splittingLabels().features.rows.map { row in
    row.map { $0 > 7 ? 1.0 : 0.0 }
}
print("digits: \(digits.count) × \(digits[0].count), binarized at 8; float64; Adam; one sample per example")

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// Process CPU time, all threads (robust to other load on a shared machine, and charges Swift
/// for both of its threads).
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func swiftEpochSeconds(_ c: Configuration) throws -> (seconds: Double, cpu: Double) {
    var g = SeededGenerator(seed: 1)
    var vae = try VAE(dataDimension: 64, latentDimension: c.latent, hiddenSizes: [c.hidden], generator: &g)
    var times: [Double] = []
    var cpu: [Double] = []
    let options = VAETrainingOptions(epochs: 1, batchSize: c.batch, optimizer: .adam(learningRate: 1e-3))
    for _ in 0..<(epochs + 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = cpuSeconds()
        try vae.train(on: digits, options: options, generator: &g)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        cpu.append(cpuSeconds() - cpuStart)
    }
    return (median(Array(times.dropFirst())), median(Array(cpu.dropFirst())))
}

/// Median epoch times of the NumPy script; `threads` sets OPENBLAS_NUM_THREADS (nil: the default).
func numpyEpochSeconds(_ c: Configuration, threads: Int?) throws -> (seconds: Double, cpu: Double, threads: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = (threads.map { ["OPENBLAS_NUM_THREADS=\($0)", "OMP_NUM_THREADS=\($0)"] } ?? []) + [
        "python3", script, csv, "--hidden", "\(c.hidden)", "--latent", "\(c.latent)", "--batch", "\(c.batch)",
        "--epochs", "\(epochs + 1)",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let reported = output.split(separator: "\n").first { $0.hasPrefix("blas_threads ") }
        .map { String($0.dropFirst("blas_threads ".count)) } ?? "unknown"
    // Drop the first (warm-up) epoch, as on the Swift side.
    let lines = output.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.dropFirst()
    let times = lines.compactMap { Double($0.split(separator: " ")[3]) }
    let cpu = lines.compactMap { Double($0.split(separator: " ")[5]) }
    guard !times.isEmpty, cpu.count == times.count else {
        throw InferenceError(.numericalFailure, "no timings from \(script): \(output)")
    }
    return (median(times), median(cpu), reported)
}

let allConfigurations = [
    Configuration(name: "lecture (64-64-2, batch 32)", hidden: 64, latent: 2, batch: 32, key: "lecture32"),
    Configuration(name: "notebook 04 (64-64-2, batch 50)", hidden: 64, latent: 2, batch: 50, key: "notebook50"),
    Configuration(name: "lecture (64-64-2, batch 100)", hidden: 64, latent: 2, batch: 100, key: "lecture100"),
    Configuration(name: "wide (64-128-8, batch 100)", hidden: 128, latent: 8, batch: 100, key: "wide"),
]
let configurations = allConfigurations.filter { only == nil || $0.key == only }
print("median over \(rounds) rounds of the median of \(epochs) epochs after one warm-up epoch; Swift splits each minibatch over 2 threads")
print("Swift kernels: \(InferenceKernels.path) (SWIFT_INFERENCE_KERNELS=portable or avx2 selects a narrower path)")
func ms(_ s: Double) -> String { String(format: "%.2f", s * 1000) }
func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f", a / b) }
for c in configurations {
    var swiftRounds: [(seconds: Double, cpu: Double)] = []
    var defaultRounds: [(seconds: Double, cpu: Double, threads: String)] = []
    var oneRounds: [(seconds: Double, cpu: Double, threads: String)] = []
    for _ in 0..<max(rounds, 1) {
        swiftRounds.append(try swiftEpochSeconds(c))
        if swiftOnly { continue }
        defaultRounds.append(try numpyEpochSeconds(c, threads: nil))
        oneRounds.append(try numpyEpochSeconds(c, threads: 1))
    }
    let swiftWall = median(swiftRounds.map(\.seconds))
    let swiftCPU = median(swiftRounds.map(\.cpu))
    print("\(c.name)")
    print("  Swift:                       wall \(ms(swiftWall)) ms, CPU \(ms(swiftCPU)) ms (rounds: \(swiftRounds.map { ms($0.seconds) }.joined(separator: ", ")))")
    if swiftOnly { continue }
    let defaultWall = median(defaultRounds.map(\.seconds))
    let oneWall = median(oneRounds.map(\.seconds))
    print("  NumPy, OpenBLAS \(defaultRounds[0].threads) thread(s) (default): wall \(ms(defaultWall)) ms, CPU \(ms(median(defaultRounds.map(\.cpu)))) ms")
    print("  NumPy, OpenBLAS \(oneRounds[0].threads) thread:              wall \(ms(oneWall)) ms, CPU \(ms(median(oneRounds.map(\.cpu)))) ms")
    // Compare against whichever NumPy run was faster.
    let numpyWall = min(defaultWall, oneWall)
    let numpyCPU = min(median(defaultRounds.map(\.cpu)), median(oneRounds.map(\.cpu)))
    print("  speed-up over the faster NumPy: wall \(ratio(numpyWall, swiftWall))× (goal ≥ 3×); CPU \(ratio(numpyCPU, swiftCPU))× (Swift's CPU counts its spinning worker)")
}

if !arguments.contains("--quick") {
    var g = SeededGenerator(seed: 2)
    var vae = try VAE(dataDimension: 64, latentDimension: 2, hiddenSizes: [64], generator: &g)
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try vae.train(
        on: digits, options: VAETrainingOptions(epochs: 200, batchSize: 32, optimizer: .adam(learningRate: 2e-3)),
        generator: &g)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let trace = result.elboTrace
    print(
        "training 64-64-2, batch 32, 200 epochs: \(String(format: "%.1f", seconds)) s; ELBO epoch 1 \(String(format: "%.2f", trace[0])), epoch 50 \(String(format: "%.2f", trace[49])), epoch 200 \(String(format: "%.2f", trace[199])) nats"
    )
    var eg = SeededGenerator(seed: 3)
    let sample = Array(digits.prefix(40))
    let gapStart = DispatchTime.now().uptimeNanoseconds
    let report = try vae.amortizationGapReport(on: sample, options: AmortizationGapOptions(importanceSamples: 5000), generator: &eg)
    print("gap report on 40 digits (K = 5000): \(String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - gapStart) / 1e9)) s")
    print(report)
}
