import Foundation
import Inference
import Testing

@Suite struct LinearGaussianVAETests {
    let x = [1.0, 0.5]

    /// log p(x) and the posterior against SciPy/NumPy (scripts/reference/vae_linear_gaussian.py).
    @Test func exactQuantitiesMatchSciPy() throws {
        let model = try vaeTestLinearGaussian()
        #expect(abs(try model.logEvidence(x) - -2.5113884120674483) < 1e-12)
        let posterior = try model.posterior(x)
        #expect(vaeMaxRelativeError(posterior.mean, [0.17807531380753144, 0.4334728033472803]) < 1e-12)
        #expect(vaeMaxRelativeError(
            posterior.covariance.flatMap { $0 },
            [0.2251046025104603, -0.1757322175732218, -0.1757322175732218, 0.23012552301255235]) < 1e-12)
    }

    /// L[q] = log p(x) − KL(q ‖ p(z|x)) with the Gaussian KL written out independently.
    @Test func elboIsEvidenceMinusKL() throws {
        let model = try vaeTestLinearGaussian()
        let q = try VariationalParameters(mean: [0.5, -0.1], logStandardDeviation: [-0.7, -0.2])
        let (m, s) = try model.posterior(x)
        let det = s[0][0] * s[1][1] - s[0][1] * s[1][0]
        let inv = [[s[1][1] / det, -s[0][1] / det], [-s[1][0] / det, s[0][0] / det]]
        let v = q.standardDeviation.map { $0 * $0 }
        let d = [q.mean[0] - m[0], q.mean[1] - m[1]]
        var trace = 0.0
        var quad = 0.0
        for i in 0..<2 {
            trace += inv[i][i] * v[i]
            for j in 0..<2 { quad += d[i] * inv[i][j] * d[j] }
        }
        let kl = 0.5 * (trace + quad - 2 + log(det) - log(v[0] * v[1]))
        #expect(abs(try model.elbo(x, q: q) - (model.logEvidence(x) - kl)) < 1e-12)
        // The exact q* is at least as good as any other diagonal q, and strictly below log p(x)
        // because the posterior is correlated.
        let best = try model.optimalMeanField(x)
        #expect(try model.elbo(x, q: best) >= model.elbo(x, q: q))
        #expect(try model.elbo(x, q: best) < model.logEvidence(x) - 0.05)
    }

    /// The closed-form ELBO gradient against finite differences of the closed-form ELBO, and the
    /// Monte Carlo ELBO of the equivalent `VAE` against the closed form.
    @Test func exactGradientAndMonteCarloAgree() throws {
        let model = try vaeTestLinearGaussian()
        let q = try VariationalParameters(mean: [0.5, -0.1], logStandardDeviation: [-0.7, -0.2])
        let numeric = try vaeCentralDifferences(q.mean + q.logStandardDeviation) { p in
            try model.elbo(x, q: VariationalParameters(mean: Array(p[0..<2]), logStandardDeviation: Array(p[2..<4])))
        }
        #expect(vaeMaxRelativeError(try model.elboGradient(x, q: q), numeric) < 1e-7)
        var g = SeededGenerator(seed: 4)
        let estimate = try model.vae.elbo(x, q: q, samples: 20_000, generator: &g)
        #expect(try abs(estimate.mean - model.elbo(x, q: q)) < 4 * estimate.standardError)
        let iwae = try model.vae.importanceWeightedLogEvidence(x, proposal: model.optimalMeanField(x), samples: 5000, generator: &g)
        #expect(try abs(iwae.mean - model.logEvidence(x)) < 4 * iwae.standardError + 1e-3)
    }

    /// Converting to a `VAE` and back keeps W, b, σ² and the encoder.
    @Test func roundTripThroughVAE() throws {
        let model = try vaeTestLinearGaussian()
        let back = try LinearGaussianVAE(model.vae)
        #expect(back == model)
        var g = SeededGenerator(seed: 1)
        let other = try VAE(dataDimension: 2, latentDimension: 2, hiddenSizes: [3], likelihood: .gaussian, generator: &g)
        #expect(throws: InferenceError.self) { try LinearGaussianVAE(other) }
        #expect(throws: InferenceError.self) {
            try LinearGaussianVAE(weights: [[1, 2]], offset: [0, 0], noiseVariance: 1, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try LinearGaussianVAE(weights: [[1, 2]], offset: [0], noiseVariance: 0, generator: &g)
        }
    }
}
