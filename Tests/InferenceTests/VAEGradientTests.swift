import Foundation
import Inference
import Testing

@Suite struct VAEGradientTests {
    static let likelihoods: [DecoderLikelihood] = [.bernoulli, .gaussian, .sigmoidGaussian, .gaussianFixedVariance(0.3)]

    /// The ELBO's gradient with respect to every encoder and decoder parameter, for every
    /// likelihood, against central finite differences (the noise ε held fixed).
    @Test(arguments: likelihoods)
    func elboGradientMatchesFiniteDifferences(likelihood: DecoderLikelihood) throws {
        var g = SeededGenerator(seed: 5)
        let vae = try VAE(dataDimension: 3, latentDimension: 2, hiddenSizes: [4], likelihood: likelihood, generator: &g)
        let batch: [[Double]] = likelihood == .bernoulli
            ? [[1, 0, 1], [0, 0, 1], [1, 1, 0]]
            : vaeNormalRows(3, 3, &g).map { $0.map { 0.5 + 0.3 * $0 } }
        let noise = vaeNormalRows(3, 2, &g)
        let exact = try vae.elboAndGradient(batch: batch, noise: noise)
        let encoderNumeric = try vaeCentralDifferences(vae.encoder.parameters) { p in
            var v = vae
            try v.encoder.setParameters(p)
            return try v.elboAndGradient(batch: batch, noise: noise).elbo
        }
        let decoderNumeric = try vaeCentralDifferences(vae.decoder.parameters) { p in
            var v = vae
            try v.decoder.setParameters(p)
            return try v.elboAndGradient(batch: batch, noise: noise).elbo
        }
        #expect(vaeMaxRelativeError(exact.encoder, encoderNumeric) < 1e-6)
        #expect(vaeMaxRelativeError(exact.decoder, decoderNumeric) < 1e-6)
        // The summed value agrees with the per-example pieces: log p(x|z) − KL.
        var manual = 0.0
        for r in 0..<3 {
            let q = try vae.encode(batch[r])
            let z = (0..<2).map { q.mean[$0] + exp(q.logStandardDeviation[$0]) * noise[r][$0] }
            let prior = z.reduce(0) { $0 - 0.5 * (log(2 * Double.pi) + $1 * $1) }
            manual += try vae.logJoint(x: batch[r], z: z) - prior - q.klToStandardNormal
        }
        #expect(abs(manual - exact.elbo) < 1e-9)
    }

    /// The per-example refinement objective's gradient with respect to (μ, log σ).
    @Test(arguments: likelihoods)
    func refinementGradientMatchesFiniteDifferences(likelihood: DecoderLikelihood) throws {
        var g = SeededGenerator(seed: 9)
        let vae = try VAE(dataDimension: 3, latentDimension: 2, hiddenSizes: [5], likelihood: likelihood, generator: &g)
        let x: [Double] = likelihood == .bernoulli ? [0, 1, 1] : [0.2, 0.7, 0.4]
        let noise = vaeNormalRows(4, 2, &g)
        let q = try VariationalParameters(mean: [0.3, -0.4], logStandardDeviation: [-0.5, 0.2])
        let exact = try vae.refinementObjectiveAndGradient(x: x, q: q, noise: noise)
        let numeric = try vaeCentralDifferences(q.mean + q.logStandardDeviation) { p in
            let qp = try VariationalParameters(mean: Array(p[0..<2]), logStandardDeviation: Array(p[2..<4]))
            return try vae.refinementObjectiveAndGradient(x: x, q: qp, noise: noise).value
        }
        #expect(vaeMaxRelativeError(exact.gradient, numeric) < 1e-6)
    }

    /// The lecture's decoder μ = σ(Az + c), Σ = diag(exp(σ(Bz + d))) with one identity layer.
    @Test func lectureModelLogJoint() throws {
        // A = [1, −1]ᵀ, B = [0.5, 2]ᵀ, c = (0.1, 0.2), d = (−0.3, 0.4); L = 1, D = 2.
        let decoder = try DenseNetwork(sizes: [1, 4], activations: [.identity], parameters: [1, -1, 0.5, 2, 0.1, 0.2, -0.3, 0.4])
        var g = SeededGenerator(seed: 1)
        let encoder = try DenseNetwork(sizes: [2, 2], activations: [.identity], generator: &g)
        let vae = try VAE(encoder: encoder, decoder: decoder, likelihood: .sigmoidGaussian)
        let z = 0.7
        let x = [0.4, 0.9]
        func s(_ a: Double) -> Double { 1 / (1 + exp(-a)) }
        let means = [s(1 * z + 0.1), s(-1 * z + 0.2)]
        let logVariances = [s(0.5 * z - 0.3), s(2 * z + 0.4)]
        var expected = -0.5 * (log(2 * Double.pi) + z * z)
        for i in 0..<2 {
            let r = x[i] - means[i]
            expected += -0.5 * (log(2 * Double.pi) + logVariances[i] + r * r / exp(logVariances[i]))
        }
        #expect(abs(try vae.logJoint(x: x, z: [z]) - expected) < 1e-12)
    }

    @Test func mismatchedShapesThrow() throws {
        var g = SeededGenerator(seed: 2)
        let encoder = try DenseNetwork(sizes: [4, 6], activations: [.identity], generator: &g)
        let decoder = try DenseNetwork(sizes: [2, 4], activations: [.identity], generator: &g)
        #expect(throws: InferenceError.self) { try VAE(encoder: encoder, decoder: decoder, likelihood: .bernoulli) }
        let decoder3 = try DenseNetwork(sizes: [3, 4], activations: [.identity], generator: &g)
        #expect(throws: InferenceError.self) { try VAE(encoder: encoder, decoder: decoder3, likelihood: .gaussian) }
        #expect(throws: InferenceError.self) {
            try VAE(encoder: encoder, decoder: decoder3, likelihood: .gaussianFixedVariance(-1))
        }
        let vae = try VAE(encoder: encoder, decoder: decoder3, likelihood: .bernoulli)
        #expect(throws: InferenceError.self) { try vae.elbo([1, 0, 1], generator: &g) }
        #expect(throws: InferenceError.self) {
            try vae.importanceWeightedLogEvidence([1, 0, 1, 0], proposal: VariationalParameters(mean: [0], logStandardDeviation: [0]), generator: &g)
        }
    }
}
