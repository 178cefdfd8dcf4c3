import Foundation
import Inference
import Testing

// Reference values: scripts/reference/distributions.py (SciPy).
@Suite struct DistributionTests {
    @Test func normalMatchesSciPy() throws {
        let n = try Normal(mean: 1, standardDeviation: 2)
        #expect(CoreCheck.close(n.logDensity(0.3), -1.6733357137646179, 1e-14))
        #expect(CoreCheck.close(n.cdf(0.3), 0.3631693488243809, 1e-14))
        #expect(CoreCheck.close(n.entropy, 2.112085713764618, 1e-14))
        #expect(n.variance == 4)
        #expect(try Normal(mean: 1, variance: 4) == n)
    }

    @Test func multivariateNormalMatchesSciPy() throws {
        let mean = [1.0, -2.0, 0.5]
        let x = [0.3, -1.1, 2.0]
        let full = try MultivariateNormal(
            mean: mean, covariance: [[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.7]])
        #expect(CoreCheck.close(try full.logDensity(x), -6.1690903357023466, 1e-13))
        #expect(CoreCheck.close(full.entropy, 4.311242802070059, 1e-13))
        let diagonal = try MultivariateNormal(mean: mean, diagonalVariances: [2.0, 1.0, 0.7])
        #expect(CoreCheck.close(try diagonal.logDensity(x), -5.059694575067481, 1e-13))
        let diagonalAsFull = try MultivariateNormal(mean: mean, covariance: .diagonal([2.0, 1.0, 0.7]))
        #expect(CoreCheck.close(try diagonalAsFull.logDensity(x), try diagonal.logDensity(x), 1e-14))
        #expect(CoreCheck.close(diagonal.entropy, diagonalAsFull.entropy, 1e-14))
    }

    @Test func multivariateNormalSampleMomentsMatch() throws {
        let cov = try Matrix([[2.0, 0.8], [0.8, 1.0]])
        let mvn = try MultivariateNormal(mean: [1, -1], covariance: cov)
        var rng = SeededGenerator(seed: 11)
        let n = 40_000
        let draws = mvn.sample(n, using: &rng)
        let m0 = CoreCheck.meanAndStandardError(draws.map { $0[0] })
        let m1 = CoreCheck.meanAndStandardError(draws.map { $0[1] })
        #expect(abs(m0.mean - 1) < 4 * m0.standardError)
        #expect(abs(m1.mean + 1) < 4 * m1.standardError)
        // E[(x0 − 1)(x1 + 1)] = 0.8; the product has variance σ00σ11 + σ01² = 2.64.
        let products = draws.map { ($0[0] - 1) * ($0[1] + 1) }
        let c = CoreCheck.meanAndStandardError(products)
        #expect(abs(c.mean - 0.8) < 4 * c.standardError)
    }

    @Test func badParametersThrowNamedErrors() throws {
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Normal(mean: 0, standardDeviation: -1) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Normal(mean: .nan, standardDeviation: 1) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Normal(mean: 0, variance: 0) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Uniform(lower: 1, upper: 1) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Bernoulli(probability: 1.5) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Categorical(probabilities: [0.5, 0.6]) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Categorical(probabilities: [1.2, -0.2]) })
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try Categorical(probabilities: []) })
        #expect(CoreCheck.throwsKind(.invalidInput) {
            _ = try MultivariateNormal(mean: [0, 0], diagonalVariances: [1, -1])
        })
        #expect(CoreCheck.throwsKind(.notPositiveDefinite) {
            _ = try MultivariateNormal(mean: [0, 0], covariance: [[1, 1], [1, 1]])
        })
        #expect(CoreCheck.throwsKind(.dimensionMismatch) {
            _ = try MultivariateNormal(mean: [0, 0], covariance: [[1]])
        })
        let mvn = try MultivariateNormal.standard(dimension: 2)
        #expect(CoreCheck.throwsKind(.dimensionMismatch) { _ = try mvn.logDensity([1, 2, 3]) })
        #expect(CoreCheck.throwsKind(.dimensionMismatch) {
            _ = try NormalMixture(weights: [0.5, 0.5], means: [0], standardDeviations: [1, 1])
        })
    }

    @Test func discreteAndUniformDistributions() throws {
        let cat = try Categorical(probabilities: [0.5, 0.25, 0.25])
        #expect(CoreCheck.close(cat.entropy, 1.0397207708399179, 1e-14))
        #expect(cat.logDensity(3) == -.infinity)
        let softmax = try Categorical(logits: [1000, 1000 + 0.6931471805599453 * -1, 1000 - 0.6931471805599453])
        // One ulp of a logit near 1000 is 1.1e-13, so that is the precision to expect.
        #expect(CoreCheck.close(softmax.probabilities, [0.5, 0.25, 0.25], 1e-12))
        let bern = try Bernoulli(probability: 0.3)
        #expect(CoreCheck.close(bern.entropy, 0.6108643020548935, 1e-14))
        #expect(try Bernoulli(probability: 0).entropy == 0)
        let uni = try Uniform(lower: -1, upper: 3)
        #expect(CoreCheck.close(uni.entropy, 1.3862943611198906, 1e-14))
        #expect(uni.logDensity(4) == -.infinity)
        #expect(CoreCheck.close(uni.logDensity(0), -1.3862943611198906, 1e-14))
    }

    @Test func categoricalSamplingFrequencies() throws {
        let p = [0.1, 0.0, 0.6, 0.3]
        let cat = try Categorical(probabilities: p)
        var rng = SeededGenerator(seed: 3)
        var counts = [0, 0, 0, 0]
        let n = 50_000
        for _ in 0..<n { counts[cat.sample(using: &rng)] += 1 }
        #expect(counts[1] == 0)
        for k in p.indices where p[k] > 0 {
            let se = (p[k] * (1 - p[k]) / Double(n)).squareRoot()
            #expect(abs(Double(counts[k]) / Double(n) - p[k]) < 4 * se)
        }
    }

    @Test func normalMixtureDensityMomentsAndFarTail() throws {
        let mix = try NormalMixture(weights: [0.2, 0.5, 0.3], means: [-1, 0.5, 3], standardDeviations: [0.5, 1, 2])
        #expect(CoreCheck.close(try mix.logDensity(1.7), -1.9273114911867295, 1e-13))
        // Every component density underflows to zero at 200; the log density must stay finite.
        #expect(CoreCheck.close(try mix.logDensity(200), -4853.94105851809, 1e-13))
        #expect(CoreCheck.close(mix.mean, 0.95, 1e-14))
        #expect(CoreCheck.close(mix.variance, 3.8725000000000005, 1e-14))
        let r = try mix.responsibilities(1.7)
        #expect(CoreCheck.close(r.reduce(0, +), 1, 1e-14))
        var rng = SeededGenerator(seed: 5)
        let draws = mix.sample(40_000, using: &rng)
        let m = CoreCheck.meanAndStandardError(draws)
        #expect(abs(m.mean - 0.95) < 4 * m.standardError)
    }

    @Test func multivariateMixtureMoments() throws {
        let a = try MultivariateNormal(mean: [0, 0], covariance: [[1, 0.3], [0.3, 2]])
        let b = try MultivariateNormal(mean: [2, -2], diagonalVariances: [0.5, 0.5])
        let mix = try MultivariateNormalMixture(weights: [0.25, 0.75], components: [a, b])
        #expect(CoreCheck.close(mix.mean, [1.5, -1.5], 1e-14))
        // Σ = Σₖ wₖ(Σₖ + (μₖ − μ)(μₖ − μ)ᵀ)
        let cov = mix.covarianceMatrix
        let expected00: Double = 0.25 * 3.25 + 0.75 * 0.75
        let expected01: Double = 0.25 * -1.95 + 0.75 * -0.25
        #expect(CoreCheck.close(cov[0, 0], expected00, 1e-14))
        #expect(CoreCheck.close(cov[0, 1], expected01, 1e-14))
        let x = [1.0, -0.5]
        let expected = logAddExp(
            log(0.25) + (try a.logDensity(x)), log(0.75) + (try b.logDensity(x)))
        #expect(CoreCheck.close(try mix.logDensity(x), expected, 1e-14))
    }

    @Test func productDistributionEnumeratesItsSupport() throws {
        let coins = try ProductDistribution<Bernoulli>(probabilities: [0.2, 0.7, 0.5])
        #expect(try coins.supportSize() == 8)
        var total = LogSumExpAccumulator()
        for i in 0..<8 { total.add(try coins.logDensity(coins.value(at: i))) }
        #expect(CoreCheck.close(total.value, 0, 1e-15))
        #expect(coins.value(at: 5) == [true, false, true])
        #expect(CoreCheck.throwsKind(.dimensionMismatch) { _ = try coins.logDensity([true]) })
        let many = ProductDistribution(Array(repeating: try Bernoulli(probability: 0.5), count: 70))
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try many.supportSize() })
    }
}

