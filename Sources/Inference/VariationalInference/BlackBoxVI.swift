internal import SystemLibC

/// Monte Carlo estimators of ∇L[q], the gradient of the ELBO of one x with respect to the mean and
/// log standard deviation of a diagonal Gaussian q. All three are unbiased; they differ in variance.
public enum ELBOGradientEstimator: String, Sendable, Hashable, CaseIterable {
    /// Score function (REINFORCE, likelihood ratio): (1/S) Σₛ f(zₛ) ∇ log q(zₛ) with
    /// f = log p(x, z) − log q(z). Needs only values of log p(x, z); its variance grows with the
    /// spread of f, which is large when q is far from the posterior.
    case scoreFunction
    /// Score function with a leave-one-out baseline: f(zₛ) is replaced by f(zₛ) − bₛ, where bₛ is
    /// the mean of f over the other S − 1 draws. bₛ is independent of zₛ, so the estimator stays
    /// unbiased, and centring f removes most of its variance (needs S ≥ 2).
    case scoreFunctionWithBaseline
    /// Reparameterization (pathwise): z = μ + σ ⊙ ε, gradient (1/S) Σₛ ∇_z log p(x|zₛ) pushed through
    /// z, plus the exact gradient of −KL(q ‖ N(0, I)). Needs ∇_z log p(x|z); usually far lower variance.
    /// (A constant baseline does not change this estimator: it multiplies no score.)
    case reparameterization
}

/// Mean and spread of repeated gradient estimates.
public struct GradientVarianceReport: Sendable, Hashable {
    /// The estimator measured.
    public var estimator: ELBOGradientEstimator
    /// Draws S in each gradient estimate.
    public var samplesPerEstimate: Int
    /// Independent estimates taken.
    public var repetitions: Int
    /// Average of the estimates, per coordinate (means first, then log standard deviations).
    public var mean: [Double]
    /// Sample variance of one estimate, per coordinate.
    public var variance: [Double]
    /// Σ variance: the expected squared distance of one estimate from the true gradient.
    public var totalVariance: Double { variance.reduce(0, +) }
    /// Standard error of `mean`, per coordinate.
    public var standardErrorOfMean: [Double] { variance.map { ($0 / Double(repetitions)).squareRoot() } }
}

extension VAE {
    /// One estimate of the gradient of L[q] for a given x and q with respect to (μ, log σ).
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - q: the variational distribution.
    ///   - estimator: which estimator (see `ELBOGradientEstimator`); all are unbiased.
    ///   - samples: draws S (at least 2 for the baseline version).
    ///   - generator: the source of the draws.
    /// - Returns: the gradient estimate, the L mean components first.
    /// - Throws: `InferenceError` on bad shapes, non-finite input, or too few samples.
    public func elboGradient(
        _ x: [Double], q: VariationalParameters, estimator: ELBOGradientEstimator, samples: Int,
        generator: inout SeededGenerator
    ) throws -> [Double] {
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        try InputChecks.checkVariational(q, latentDimension: latentDimension)
        let minimum = estimator == .scoreFunctionWithBaseline ? 2 : 1
        guard samples >= minimum else {
            throw InferenceError(.invalidInput, "\(estimator) needs at least \(minimum) samples, got \(samples)")
        }
        let workspace = VAEWorkspace(vae: self, capacity: samples)
        return _gradientEstimate(workspace, VAEParameterSnapshot(self), x: x, q: q, estimator: estimator, samples: samples, generator: &generator)
    }

    /// Repeats a gradient estimator to measure its mean and variance.
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - q: the variational distribution.
    ///   - estimator: the estimator to measure.
    ///   - samples: draws per estimate.
    ///   - repetitions: independent estimates (at least 2).
    ///   - generator: the source of the draws.
    /// - Returns: per-coordinate mean and variance of one estimate.
    /// - Throws: `InferenceError` on bad shapes, non-finite input, or too few samples or repetitions.
    public func elboGradientVariance(
        _ x: [Double], q: VariationalParameters, estimator: ELBOGradientEstimator, samples: Int,
        repetitions: Int, generator: inout SeededGenerator
    ) throws -> GradientVarianceReport {
        guard repetitions >= 2 else {
            throw InferenceError(.invalidInput, "measuring a variance needs at least 2 repetitions, got \(repetitions)")
        }
        _ = try elboGradient(x, q: q, estimator: estimator, samples: samples, generator: &generator)  // validates
        let workspace = VAEWorkspace(vae: self, capacity: samples)
        let parameters = VAEParameterSnapshot(self)
        let width = 2 * latentDimension
        var sum = [Double](repeating: 0, count: width)
        var sumSquares = [Double](repeating: 0, count: width)
        var estimates: [[Double]] = []
        for _ in 0..<repetitions {
            let g = _gradientEstimate(workspace, parameters, x: x, q: q, estimator: estimator, samples: samples, generator: &generator)
            estimates.append(g)
            for i in 0..<width { sum[i] += g[i] }
        }
        let mean = sum.map { $0 / Double(repetitions) }
        for g in estimates {
            for i in 0..<width { sumSquares[i] += (g[i] - mean[i]) * (g[i] - mean[i]) }
        }
        return GradientVarianceReport(
            estimator: estimator, samplesPerEstimate: samples, repetitions: repetitions, mean: mean,
            variance: sumSquares.map { $0 / Double(repetitions - 1) })
    }

    func _gradientEstimate(
        _ workspace: VAEWorkspace, _ parameters: VAEParameterSnapshot, x: [Double], q: VariationalParameters,
        estimator: ELBOGradientEstimator, samples: Int, generator: inout SeededGenerator
    ) -> [Double] {
        let l = latentDimension
        var noise = [Double](repeating: 0, count: samples * l)
        for i in 0..<noise.count { noise[i] = generator.nextStandardNormal() }
        var gradient = [Double](repeating: 0, count: 2 * l)
        if estimator == .reparameterization {
            _ = _refinementStep(workspace, parameters, x: x, packed: q.packed, noise: noise, rows: samples, into: &gradient)
            return gradient
        }
        var f = [Double](repeating: 0, count: samples)
        let packed = q.packed
        parameters.with { p in
            x.withUnsafeBufferPointer { xp in
                packed.withUnsafeBufferPointer { qp in
                    noise.withUnsafeBufferPointer { np in
                        f.withUnsafeMutableBufferPointer { fp in
                            _ = workspace.run(
                                p, x: xp.baseAddress!, xStride: 0, encoderOutput: qp.baseAddress!, encoderOutputStride: 0,
                                noise: np.baseAddress!, rows: samples, weight: 0, gradients: nil, perRowELBO: nil,
                                perRowLogWeight: fp.baseAddress!)
                        }
                    }
                }
            }
        }
        let total = f.reduce(0, +)
        let sigma = q.standardDeviation
        for s in 0..<samples {
            var weight = f[s]
            if estimator == .scoreFunctionWithBaseline {
                weight -= (total - f[s]) / Double(samples - 1)
            }
            for j in 0..<l {
                let e = noise[s * l + j]
                gradient[j] += weight * e / sigma[j]
                gradient[l + j] += weight * (e * e - 1)
            }
        }
        return gradient.map { $0 / Double(samples) }
    }
}
