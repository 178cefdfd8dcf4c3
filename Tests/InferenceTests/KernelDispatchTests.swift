import Foundation
import Inference
import Testing

/// The run-time choice between the portable Swift kernels and the AVX2 / AVX-512 ones: every path
/// must give the same bits on every shape (each multiplies then adds in the same order, no FMA),
/// so a notebook's numbers do not depend on the student's CPU.
@Suite struct KernelDispatchTests {
    /// Every remainder of the 16-, 8-, 4- and 1-wide column blockings and of the 4-row blocking,
    /// odd inner sizes, and the shapes of the VAE benchmark's layers.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (2, 3, 2), (3, 7, 5), (4, 4, 4), (5, 9, 7), (6, 2, 8), (7, 1, 9), (8, 8, 8), (9, 64, 2),
        (11, 13, 15), (13, 5, 11), (16, 64, 64), (17, 33, 6), (50, 64, 64), (50, 64, 16), (50, 128, 64),
        (3, 1, 12), (5, 3, 20), (6, 4, 28), (9, 2, 31), (4, 64, 4), (16, 2, 64),
    ]

    /// The wide paths this CPU can run (possibly none).
    static let widePaths = _AmKernelPath.allCases.filter { $0 != .portable && $0.isSupported }

    static func randomMatrix(_ count: Int, _ g: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in g.nextStandardNormal() }
    }

    static func bits(_ x: [Double]) -> [UInt64] { x.map(\.bitPattern) }

    @Test func dispatchPicksTheWidestSupportedPath() {
        let path = _AmKernelProbe.kernelPath
        #expect(!path.name.isEmpty)
        #expect(path.isSupported)
        #expect(_AmKernelPath.portable.isSupported)
        switch ProcessInfo.processInfo.environment["SWIFT_INFERENCE_KERNELS"] {
        case "portable": #expect(path == .portable)
        case "avx2": #expect(path.rawValue <= _AmKernelPath.avx2.rawValue)
        default: #expect(path == _AmKernelProbe.widestSupported)
        }
        // Forcing a path is seen by the dispatch and undone afterwards.
        for forced in _AmKernelPath.allCases where forced.isSupported {
            #expect(_AmKernelProbe.withKernels(forced) { _AmKernelProbe.kernelPath } == forced)
        }
        #expect(_AmKernelProbe.kernelPath == path)
    }

    @Test func everyWidePathMatchesThePortableBitsOnOddSizes() throws {
        try #require(!Self.widePaths.isEmpty, "this CPU has neither AVX2 nor AVX-512F; only the portable path runs")
        var g = SeededGenerator(seed: 31)
        for (n, k, m) in Self.shapes {
            let a = Self.randomMatrix(n * k, &g)
            let b = Self.randomMatrix(k * m, &g)
            let c0 = Self.randomMatrix(n * m, &g)
            let nn = _AmKernelProbe.matMul(a, b, n: n, k: k, m: m, path: .portable)
            let nnAccumulated = _AmKernelProbe.matMul(a, b, n: n, k: k, m: m, path: .portable, accumulateInto: c0)
            // Aᵀ·B with A (k×n) = a read as k×n, B (k×m).
            let tn = _AmKernelProbe.matMulTN(a, b, rows: k, n: n, m: m, path: .portable)
            // A (n×k) · Bᵀ with B (m×k) = b read as m×k.
            let nt = _AmKernelProbe.matMulNT(a, b, n: n, k: k, m: m, path: .portable)
            for path in Self.widePaths {
                let label = "\(path) \(n)×\(k)×\(m)"
                #expect(Self.bits(_AmKernelProbe.matMul(a, b, n: n, k: k, m: m, path: path)) == Self.bits(nn), "NN \(label)")
                #expect(
                    Self.bits(_AmKernelProbe.matMul(a, b, n: n, k: k, m: m, path: path, accumulateInto: c0))
                        == Self.bits(nnAccumulated), "NN+= \(label)")
                #expect(
                    Self.bits(_AmKernelProbe.matMulTN(a, b, rows: k, n: n, m: m, path: path)) == Self.bits(tn), "TN \(label)")
                #expect(
                    Self.bits(_AmKernelProbe.matMulNT(a, b, n: n, k: k, m: m, path: path)) == Self.bits(nt), "NT \(label)")
            }
        }
    }

    /// tanh and the Bernoulli row on every length up to 2 × 512 + 9 (all tails, two log blocks),
    /// with saturated, tiny, zero, negative-zero and NaN inputs among ordinary ones.
    @Test func elementwiseKernelsMatchThePortableBits() throws {
        try #require(!Self.widePaths.isEmpty, "this CPU has neither AVX2 nor AVX-512F; only the portable path runs")
        var g = SeededGenerator(seed: 8)
        let specials: [Double] = [0, -0.0, 1e-300, -1e-12, 19.99, -20.5, 400, -800, .nan, .infinity, -.infinity]
        for count in Array(0...40) + [63, 64, 65, 511, 512, 513, 1033] {
            var x = (0..<count).map { _ in 3 * g.nextStandardNormal() }
            for (i, s) in specials.enumerated() where i < count && count % 3 == 0 { x[(i * 7) % count] = s }
            let eta = (0..<count).map { _ in 6 * g.nextStandardNormal() }
            let pixels = (0..<count).map { _ in g.nextUniform() < 0.4 ? 1.0 : 0.0 }
            let tanh = _AmKernelProbe.tanh(x, path: .portable)
            let row = _AmKernelProbe.bernoulliRow(x: pixels, eta: eta, weight: -0.03, path: .portable)
            for path in Self.widePaths {
                #expect(Self.bits(_AmKernelProbe.tanh(x, path: path)) == Self.bits(tanh), "tanh \(path) length \(count)")
                let wide = _AmKernelProbe.bernoulliRow(x: pixels, eta: eta, weight: -0.03, path: path)
                #expect(wide.0.bitPattern == row.0.bitPattern, "Bernoulli value \(path) length \(count)")
                #expect(Self.bits(wide.1) == Self.bits(row.1), "Bernoulli cotangent \(path) length \(count)")
            }
        }
    }

    /// Adam's update (odd parameter counts exercise every tail) and whole training runs: the same
    /// bits on every path.
    @Test func adamAndTrainingGiveTheSameBitsOnEveryPath() throws {
        try #require(!Self.widePaths.isEmpty, "this CPU has neither AVX2 nor AVX-512F; only the portable path runs")
        var g = SeededGenerator(seed: 5)
        for count in [1, 3, 7, 8, 9, 15, 17, 101] {
            let start = Self.randomMatrix(count, &g)
            let gradients = (0..<4).map { _ in Self.randomMatrix(count, &g) }
            func run(_ path: _AmKernelPath) -> [Double] {
                _AmKernelProbe.withKernels(path) {
                    var adam = AdamOptimizer(learningRate: 0.01)
                    var p = start
                    for gradient in gradients { adam.step(&p, gradient: gradient) }
                    return p
                }
            }
            let portable = run(.portable)
            #expect(portable != start)
            for path in Self.widePaths { #expect(Self.bits(run(path)) == Self.bits(portable), "Adam \(path) count \(count)") }
        }
        let data = (0..<70).map { _ in (0..<10).map { _ in g.nextUniform() < 0.4 ? 1.0 : 0.0 } }
        func train(_ path: _AmKernelPath) throws -> [Double] {
            try _AmKernelProbe.withKernels(path) {
                var gg = SeededGenerator(seed: 9)
                var vae = try VAE(dataDimension: 10, latentDimension: 3, hiddenSizes: [13], generator: &gg)
                let result = try vae.train(on: data, options: VAETrainingOptions(epochs: 2, batchSize: 33), generator: &gg)
                return result.elboTrace + vae.encoder.parameters + vae.decoder.parameters
            }
        }
        let portable = try train(.portable)
        for path in Self.widePaths { #expect(Self.bits(try train(path)) == Self.bits(portable), "training \(path)") }
    }

    /// Minibatches of 32 rows or more are split between this thread and a pooled worker thread.
    /// Training runs at the same time (each takes its own worker), and runs after the worker has
    /// gone to sleep, give the same bits as one run alone.
    @Test func concurrentAndLaterTrainingRunsAgree() async throws {
        var g = SeededGenerator(seed: 12)
        let data = (0..<90).map { _ in (0..<12).map { _ in g.nextUniform() < 0.3 ? 1.0 : 0.0 } }
        @Sendable func train() throws -> [UInt64] {
            var gg = SeededGenerator(seed: 4)
            var vae = try VAE(dataDimension: 12, latentDimension: 2, hiddenSizes: [9], generator: &gg)
            let result = try vae.train(on: data, options: VAETrainingOptions(epochs: 3, batchSize: 40), generator: &gg)
            return Self.bits(result.elboTrace + vae.encoder.parameters + vae.decoder.parameters)
        }
        let alone = try train()
        let together = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 { group.addTask { try train() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(together.count == 4)
        for run in together { #expect(run == alone) }
        // Longer than the worker's spin limit (0.3 ms): the next run wakes a sleeping worker.
        try await Task.sleep(for: .milliseconds(20))
        #expect(try train() == alone)
    }
}
