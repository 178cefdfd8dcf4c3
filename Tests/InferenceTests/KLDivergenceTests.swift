import Foundation
import Inference
import Testing

// Reference values: scripts/reference/kl_divergences.py (NumPy closed forms, SciPy quadrature and
// optimisation); the first five are the fixtures of issue 4.
@Suite struct KLDivergenceTests {
    let s = try! Matrix([[2.0, 0.5], [0.5, 1.0]])

    @Test func closedFormFixtures() throws {
        let p = try Normal(mean: 0, standardDeviation: 1)
        let q = try Normal(mean: 1, standardDeviation: 2)
        #expect(abs(klDivergence(p, q) - 0.4431471806) < 1e-9)
        #expect(abs(klDivergence(q, p) - 1.3068528194) < 1e-9)
        #expect(CoreCheck.close(klDivergence(p, q), 0.4431471805599454, 1e-14))

        let standard = try MultivariateNormal.standard(dimension: 2)
        let full = try MultivariateNormal(mean: [1, 2], covariance: s)
        #expect(abs(try klDivergence(standard, full) - 2.1369507511) < 1e-9)
        #expect(abs(try klDivergence(full, standard) - 2.7201921060) < 1e-9)
        #expect(CoreCheck.close(try klDivergence(standard, full), 2.1369507511105685, 1e-13))
        #expect(CoreCheck.close(try klDivergence(full, standard), 2.7201921060322887, 1e-13))

        let cat = try Categorical(probabilities: [0.5, 0.25, 0.25])
        #expect(abs(try klDivergence(cat, try .uniform(3)) - 0.0588915178) < 1e-9)
        #expect(CoreCheck.close(
            klDivergence(try Bernoulli(probability: 0.3), try Bernoulli(probability: 0.6)), 0.18378689738681217, 1e-14))
    }

    @Test func fullAgainstDiagonalCovariances() throws {
        let a = try MultivariateNormal(
            mean: [0.1, -0.4, 2.0], covariance: [[1.5, -0.3, 0.2], [-0.3, 0.8, 0.1], [0.2, 0.1, 2.5]])
        let b = try MultivariateNormal(mean: [1.0, 0.0, -1.0], diagonalVariances: [0.5, 2.0, 1.2])
        #expect(CoreCheck.close(try klDivergence(a, b), 5.433247340215419, 1e-13))
        #expect(CoreCheck.close(try klDivergence(b, a), 3.3316336121655334, 1e-13))
        // Diagonal–diagonal (the O(d) path) agrees with the same matrices stored as full.
        let c = try MultivariateNormal(mean: [0, 1, 2], diagonalVariances: [0.3, 1.7, 4.0])
        let cFull = try MultivariateNormal(mean: [0, 1, 2], covariance: .diagonal([0.3, 1.7, 4.0]))
        let bFull = try MultivariateNormal(mean: [1.0, 0.0, -1.0], covariance: .diagonal([0.5, 2.0, 1.2]))
        #expect(CoreCheck.close(try klDivergence(c, b), try klDivergence(cFull, bFull), 1e-13))
        #expect(CoreCheck.throwsKind(.dimensionMismatch) { _ = try klDivergence(c, try .standard(dimension: 2)) })
    }

    @Test func zeroProbabilitiesAndMismatches() throws {
        let p = try Categorical(probabilities: [0.5, 0.5, 0])
        let q = try Categorical(probabilities: [0.5, 0, 0.5])
        #expect(try klDivergence(q, p) == .infinity)
        #expect(try klDivergence(p, p) == 0)
        #expect(klDivergence(try Bernoulli(probability: 0.5), try Bernoulli(probability: 1)) == .infinity)
        #expect(klDivergence(try Bernoulli(probability: 1), try Bernoulli(probability: 1)) == 0)
        #expect(CoreCheck.throwsKind(.dimensionMismatch) { _ = try klDivergence(p, try .uniform(2)) })
    }

    @Test func klIsNonNegativeOnRandomPairs() throws {
        var rng = SeededGenerator(seed: 2024)
        for _ in 0..<200 {
            let p = try Normal(mean: rng.nextStandardNormal() * 3, standardDeviation: 0.1 + 3 * rng.nextUniform())
            let q = try Normal(mean: rng.nextStandardNormal() * 3, standardDeviation: 0.1 + 3 * rng.nextUniform())
            #expect(klDivergence(p, q) >= 0)
            #expect(klDivergence(p, p) == 0)
            let a = try Categorical(probabilities: try rng.nextDirichlet(concentration: [0.5, 0.5, 0.5, 0.5]))
            let b = try Categorical(probabilities: try rng.nextDirichlet(concentration: [2, 2, 2, 2]))
            #expect(try klDivergence(a, b) >= 0)
            let dim = 1 + Int(rng.nextUniform() * 4)
            var m = Matrix(rows: dim, columns: dim)
            for i in 0..<dim { for j in 0..<dim { m[i, j] = rng.nextStandardNormal() } }
            let spd = try m.multiplied(by: m.transposed).adding(.identity(dim).scaled(by: 0.1))
            let x = try MultivariateNormal(mean: (0..<dim).map { _ in rng.nextStandardNormal() }, covariance: spd)
            let y = try MultivariateNormal.standard(dimension: dim)
            #expect(try klDivergence(x, y) >= 0)
            #expect(try klDivergence(y, x) >= 0)
            #expect(abs(try klDivergence(x, x)) < 1e-12)
        }
    }

    @Test func monteCarloAgreesWithClosedFormWithinStandardErrors() throws {
        var rng = SeededGenerator(seed: 17)
        let p = try Normal(mean: 0, standardDeviation: 1)
        let q = try Normal(mean: 1, standardDeviation: 2)
        let e = try klDivergenceMonteCarlo(p, q, samples: 20_000, using: &rng)
        #expect(e.sampleCount == 20_000)
        #expect(e.standardError > 0 && e.standardError < 0.01)
        #expect(abs(e.value - klDivergence(p, q)) < 4 * e.standardError)

        let standard = try MultivariateNormal.standard(dimension: 2)
        let full = try MultivariateNormal(mean: [1, 2], covariance: s)
        let m = try klDivergenceMonteCarlo(full, standard, samples: 20_000, using: &rng)
        #expect(abs(m.value - 2.7201921060322887) < 4 * m.standardError)

        // A mixture against a Gaussian: no closed form; Monte Carlo and quadrature must agree.
        let mix = try NormalMixture(weights: [0.5, 0.5], means: [-3, 3], standardDeviations: [1, 1])
        let g = try Normal(mean: 0, variance: 10)
        let mc = try klDivergenceMonteCarlo(mix, g, samples: 20_000, using: &rng)
        #expect(abs(mc.value - (try klDivergenceQuadrature(mix, g))) < 4 * mc.standardError)
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try klDivergenceMonteCarlo(p, q, samples: 1, using: &rng) })
        #expect(CoreCheck.throwsKind(.dimensionMismatch) {
            _ = try klDivergenceMonteCarlo(full, try MultivariateNormal.standard(dimension: 3), samples: 10, using: &rng)
        })
    }

    @Test func monteCarloIsUnbiasedOverReplicates() throws {
        // 400 independent small estimates: their average is within a few standard errors of the truth.
        var rng = SeededGenerator(seed: 99)
        let p = try Normal(mean: 0.5, standardDeviation: 0.7)
        let q = try Normal(mean: -0.2, standardDeviation: 1.3)
        let estimates = try (0..<400).map { _ in try klDivergenceMonteCarlo(p, q, samples: 5, using: &rng).value }
        let m = CoreCheck.meanAndStandardError(estimates)
        #expect(abs(m.mean - klDivergence(p, q)) < 4 * m.standardError)
    }

    @Test func quadratureMatchesClosedForms() throws {
        let p = try Normal(mean: 0, standardDeviation: 1)
        let q = try Normal(mean: 1, standardDeviation: 2)
        #expect(abs(try klDivergenceQuadrature(p, q) - 0.4431471805599454) < 1e-11)
        #expect(abs(try klDivergenceQuadrature(q, p) - 1.3068528194400546) < 1e-11)
        // Forward fit of the bimodal mixture: N(0, 10) and KL(p‖q) from SciPy's quad.
        let mix = try NormalMixture(weights: [0.5, 0.5], means: [-3, 3], standardDeviations: [1, 1])
        #expect(abs(try klDivergenceQuadrature(mix, try Normal(mean: 0, variance: 10)) - 0.46199461346794524) < 1e-10)
        // A uniform reference that misses p's tails: infinite.
        #expect(try klDivergenceQuadrature(p, try Uniform(lower: -1, upper: 1)) == .infinity)
        let u = try Uniform(lower: -1, upper: 1)
        // KL(U(−1,1) ‖ N(0,1)) = −log 2 + ½ log 2π + ½·E[x²] with E[x²] = 1/3.
        let exact = -log(2.0) + 0.5 * log(2 * Double.pi) + 1.0 / 6
        #expect(abs(try klDivergenceQuadrature(u, p) - exact) < 1e-12)
    }

    @Test func forwardFitIsMomentMatching() throws {
        let mix = try NormalMixture(weights: [0.5, 0.5], means: [-3, 3], standardDeviations: [1, 1])
        let fit = try forwardKLFit(to: mix)
        #expect(fit.kind == .momentMatched)
        #expect(abs(fit.normal.mean) < 1e-12)
        #expect(abs(fit.normal.variance - 10) < 1e-12)
        #expect(abs(fit.divergence - 0.46199461346794524) < 1e-10)
        // Through a closure density, moments come from quadrature and must agree.
        let closure = try DensityFunction(support: -15...15) { x in
            logAddExp(-0.5 * (x + 3) * (x + 3), -0.5 * (x - 3) * (x - 3))
        }
        let viaQuadrature = try forwardKLFit(to: closure)
        #expect(abs(viaQuadrature.normal.mean) < 1e-10)
        #expect(abs(viaQuadrature.normal.variance - 10) < 1e-9)
        #expect(abs(viaQuadrature.divergence - 0.46199461346794524) < 1e-9)
    }

    @Test func reverseFitsFindBothModesAndTheCentredOptimum() throws {
        let mix = try NormalMixture(weights: [0.5, 0.5], means: [-3, 3], standardDeviations: [1, 1])
        let fits = try reverseKLFits(to: mix)
        // Three local minima: the two mode-seeking fits and the centred one. The centred point is a
        // true local minimum, not a saddle: at σ = 2.7438, KL(μ = 0.1) = 0.84129 > KL(μ = 0) = 0.84062
        // (SciPy, scripts/reference/kl_divergences.py), and the cross derivative is zero by symmetry.
        #expect(fits.count == 3)
        #expect(fits.allSatisfy { $0.kind == .localMinimum })
        let modes = fits.filter { abs($0.normal.mean) > 1 }
        let centred = fits.filter { abs($0.normal.mean) <= 1 }
        #expect(modes.count == 2)
        #expect(centred.count == 1)
        for m in modes {
            #expect(abs(abs(m.normal.mean) - 2.9843059753984624) < 1e-6)
            #expect(abs(m.normal.standardDeviation - 1.0233685619670443) < 1e-6)
            #expect(abs(m.divergence - 0.6887689958549638) < 1e-9)
        }
        #expect(Set(modes.map { $0.normal.mean > 0 }) == [true, false])
        if let centre = centred.first {
            #expect(abs(centre.normal.mean) < 1e-8)
            #expect(abs(centre.normal.standardDeviation - 2.743769324675069) < 1e-6)
            #expect(abs(centre.divergence - 0.8406214312789033) < 1e-9)
            #expect(fits.last == centre)
        }
        #expect(fits.map(\.starts.count).reduce(0, +) == 5)
        // The rounded figures.
        #expect(abs(fits[0].divergence - 0.689) < 5e-4)
        #expect(abs(fits[2].divergence - 0.841) < 5e-4)
    }

    @Test func reverseFitOfAGaussianIsItself() throws {
        let target = try Normal(mean: 1.5, standardDeviation: 0.4)
        let fits = try reverseKLFits(to: target)
        #expect(fits.count == 1)
        #expect(fits[0].kind == .localMinimum)
        #expect(abs(fits[0].normal.mean - 1.5) < 1e-7)
        #expect(abs(fits[0].normal.standardDeviation - 0.4) < 1e-7)
        #expect(abs(fits[0].divergence) < 1e-10)
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try reverseKLFits(to: try Uniform(lower: 0, upper: 1)) })
    }
}
