import Foundation
import Inference
import Testing

@Suite struct RandomTests {
    @Test func sameSeedSameStream() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        let xs = (0..<5).map { _ in a.nextStandardNormal() }
        let ys = (0..<5).map { _ in b.nextStandardNormal() }
        #expect(xs == ys)
        var c = SeededGenerator(seed: 43)
        #expect((0..<5).map { _ in c.nextStandardNormal() } != xs)
    }

    @Test func gammaMomentsForLargeAndSmallShapes() throws {
        var rng = SeededGenerator(seed: 7)
        for (shape, rate) in [(2.5, 2.0), (0.3, 1.0), (9.0, 0.5)] {
            let n = 40_000
            let draws = try (0..<n).map { _ in try rng.nextGamma(shape: shape, rate: rate) }
            let m = CoreCheck.meanAndStandardError(draws)
            #expect(abs(m.mean - shape / rate) < 4 * m.standardError, "shape \(shape)")
            // The variance α/β²: check E[(x − μ)²] within its own standard error.
            let sq = draws.map { ($0 - shape / rate) * ($0 - shape / rate) }
            let v = CoreCheck.meanAndStandardError(sq)
            #expect(abs(v.mean - shape / (rate * rate)) < 5 * v.standardError, "shape \(shape)")
            #expect(draws.allSatisfy { $0 >= 0 && $0.isFinite })
        }
    }

    @Test func dirichletMeansAndTinyConcentrations() throws {
        var rng = SeededGenerator(seed: 9)
        let alpha = [1.0, 2.0, 7.0]
        let n = 20_000
        let draws = try (0..<n).map { _ in try rng.nextDirichlet(concentration: alpha) }
        for k in 0..<3 {
            let m = CoreCheck.meanAndStandardError(draws.map { $0[k] })
            #expect(abs(m.mean - alpha[k] / 10) < 4 * m.standardError)
        }
        #expect(draws.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-12 })
        // Tiny concentrations: most gamma draws underflow, yet the result is a probability vector.
        for _ in 0..<1000 {
            let p = try rng.nextDirichlet(concentration: [0.001, 0.001, 0.001])
            #expect(p.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test func standardNormalMoments() {
        var rng = SeededGenerator(seed: 1)
        let n = 100_000
        let xs = (0..<n).map { _ in rng.nextStandardNormal() }
        let m = CoreCheck.meanAndStandardError(xs)
        #expect(abs(m.mean) < 4 * m.standardError)
        let v = CoreCheck.meanAndStandardError(xs.map { $0 * $0 })
        #expect(abs(v.mean - 1) < 4 * v.standardError)
        // P(X ≤ 1) = 0.8413447460685429
        let below = Double(xs.filter { $0 <= 1 }.count) / Double(n)
        #expect(abs(below - 0.8413447460685429) < 4 * (0.84 * 0.16 / Double(n)).squareRoot())
    }

    @Test func samplingFunctionsRejectBadParameters() {
        var rng = SeededGenerator(seed: 0)
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try rng.nextGamma(shape: 0) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try rng.nextGamma(shape: 1, rate: -2) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try rng.nextDirichlet(concentration: []) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try rng.nextDirichlet(concentration: [1, .nan]) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try rng.nextCategorical(probabilities: [0.2, 0.2]) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try rng.nextBernoulli(probability: -0.1) })
        #expect(CoreCheck.throwsKind(.notPositiveDefinite) {
            _ = try rng.nextMultivariateNormal(mean: [0, 0], covariance: try Matrix([[1, 2], [2, 1]]))
        })
    }
}
