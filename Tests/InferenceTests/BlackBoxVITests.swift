import Foundation
import Inference
import Testing

@Suite struct BlackBoxVITests {
    /// All three estimators are unbiased for the exact gradient of the linear-Gaussian ELBO, and the
    /// reparameterized one has by far the lowest variance.
    @Test func estimatorsAreUnbiasedAndReparameterizationHasLowestVariance() throws {
        let model = try vaeTestLinearGaussian()
        let vae = model.vae
        let x = [1.0, 0.5]
        let q = try VariationalParameters(mean: [0.5, -0.1], logStandardDeviation: [-0.7, -0.2])
        let exact = try model.elboGradient(x, q: q)
        var g = SeededGenerator(seed: 17)
        var reports: [ELBOGradientEstimator: GradientVarianceReport] = [:]
        for estimator in ELBOGradientEstimator.allCases {
            let report = try vae.elboGradientVariance(
                x, q: q, estimator: estimator, samples: 10, repetitions: 4000, generator: &g)
            for i in 0..<4 {
                #expect(abs(report.mean[i] - exact[i]) < 4 * report.standardErrorOfMean[i] + 1e-12)
            }
            reports[estimator] = report
        }
        let plain = reports[.scoreFunction]!.totalVariance
        let baseline = reports[.scoreFunctionWithBaseline]!.totalVariance
        let pathwise = reports[.reparameterization]!.totalVariance
        // Measured with this seed (S = 10, 4,000 repetitions): total variance 220 for the score
        // function, 145 with the leave-one-out baseline, 27.7 reparameterized — the reparameterized
        // estimator is about 8× less variable than REINFORCE and 5× less than REINFORCE with a
        // baseline. The variance estimates themselves are good to a few per cent, so the margins
        // below are safe.
        #expect(baseline < plain / 1.2)
        #expect(pathwise < baseline / 4)
        #expect(pathwise < plain / 6)
    }

    @Test func badInputThrows() throws {
        let vae = try vaeTestLinearGaussian().vae
        var g = SeededGenerator(seed: 1)
        let q = try VariationalParameters(mean: [0, 0], logStandardDeviation: [0, 0])
        #expect(throws: InferenceError.self) {
            try vae.elboGradient([1, 2], q: q, estimator: .scoreFunctionWithBaseline, samples: 1, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try vae.elboGradient([1, 2, 3], q: q, estimator: .reparameterization, samples: 4, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try vae.elboGradientVariance([1, 2], q: q, estimator: .scoreFunction, samples: 4, repetitions: 1, generator: &g)
        }
        #expect(throws: InferenceError.self) { try VariationalParameters(mean: [0], logStandardDeviation: [.nan]) }
    }
}
