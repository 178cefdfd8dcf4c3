import Foundation
import Inference
import NumericsCore
import Testing

/// Whole optimiser steps and training runs on every kernel path give the same bits, so a notebook's
/// numbers do not depend on the student's CPU (the kernels themselves: NumericsCoreTests).
@Suite struct TrainingKernelPathTests {
    /// The wide paths this CPU can run (possibly none).
    static let widePaths = KernelPath.allCases.filter { $0 != .portable && $0.isSupported }

    static func randomMatrix(_ count: Int, _ g: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in g.nextStandardNormal() }
    }

    static func bits(_ x: [Double]) -> [UInt64] { x.map(\.bitPattern) }

    /// Adam's update (odd parameter counts exercise every tail) and whole training runs: the same
    /// bits on every path.
    @Test func adamAndTrainingGiveTheSameBitsOnEveryPath() throws {
        try #require(!Self.widePaths.isEmpty, "this CPU has neither AVX2 nor AVX-512F; only the portable path runs")
        var g = SeededGenerator(seed: 5)
        for count in [1, 3, 7, 8, 9, 15, 17, 101] {
            let start = Self.randomMatrix(count, &g)
            let gradients = (0..<4).map { _ in Self.randomMatrix(count, &g) }
            func run(_ path: KernelPath) -> [Double] {
                KernelPath.withForced(path) {
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
        func train(_ path: KernelPath) throws -> [Double] {
            try KernelPath.withForced(path) {
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
